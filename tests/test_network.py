"""Nothing talks to the network unless --opa-url is given."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import EXAMPLES, FIXTURES, INVENTORY, SAFE_PLAN
from validator.cli import main

SCOPE = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any, *args: Any, **kwargs: Any) -> None:
        attempts.append(address)
        raise OSError("network use in a test that forbids it")

    def refuse_create(address: Any, *args: Any, **kwargs: Any) -> None:
        attempts.append(address)
        raise OSError("network use in a test that forbids it")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_create)
    yield attempts


def test_every_input_kind_without_network(
    no_network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "check",
        str(FIXTURES / "terraform"),
        str(FIXTURES / "restore"),
        str(FIXTURES / "whatif"),
        str(EXAMPLES / "terraform"),
        str(EXAMPLES / "restore"),
        str(EXAMPLES / "whatif"),
        str(FIXTURES / "arm" / "module-disks-from-snapshots.json"),
        "--inventory", str(INVENTORY / "resource-graph.json"),
        "--inventory", str(INVENTORY / "protected-items.json"),
        "--waivers", str(FIXTURES / "waivers.yaml"),
        "--tf-dir", str(FIXTURES / "tfconfig"),
        "--scope", SCOPE,
        "--format", "sarif", "--output", "/dev/null",
        "--format", "json",
    ]  # fmt: skip
    assert main(args) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert no_network == []


def test_verify_and_resolve_without_network(
    no_network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify"]) == 0
    assert main(["resolve", str(EXAMPLES / "arm" / "attach-restored-disk.json")]) == 0
    capsys.readouterr()
    assert no_network == []


def test_opa_url_is_the_only_way_out(
    no_network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    plan = SAFE_PLAN
    assert main(["check", str(plan), "--opa-url", "http://127.0.0.1:9"]) == 2
    assert "cannot connect" in capsys.readouterr().err
    assert no_network  # it did try, there and only there
    assert all("127.0.0.1" in str(address) for address in no_network)
