"""The `opa` backend: a policy service shared by teams, loaded by us or by a bundle."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import MODULE_PLAN, REPLACED_PLAN, all_expectations, case_options
from tests.opa_rest_server import opa_rest_server
from validator.cli import main
from validator.policy import ENTRYPOINT, load_pack

PLAN = REPLACED_PLAN


def test_preloaded_server_uses_its_own_policies_and_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pack = load_pack()
    with opa_rest_server() as url:
        # What a bundle would have loaded: the pack, the matrix and a central inventory.
        for name, source in pack.modules:
            requests.put(f"{url}/v1/policies/bundle/{name}", data=source, timeout=5)
        requests.put(f"{url}/v1/data/asr_guard/matrix", json=pack.matrix, timeout=5)
        requests.put(
            f"{url}/v1/data/asr_guard/inventory",
            json={
                "replicated_vms": [
                    "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourcegroups/rg-app-weu/providers/microsoft.compute/virtualmachines/vm-app-01"
                ]
            },
            timeout=5,
        )
        plan = MODULE_PLAN
        code = main(["check", str(plan), "--opa-url", url, "--opa-preloaded", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [f["rule_id"] for f in report["findings"]] == ["ASR002"]


def test_opa_url_from_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with opa_rest_server() as url:
        monkeypatch.setenv("ASR_GUARD_OPA_URL", url)
        code = main(["check", str(PLAN), "--format", "json"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["engine"] == "opa"


# --- the real `opa` binary, where one is on PATH (it cannot be installed on this project's
# machines: no registry here ships it). These tests run the same cases against it.

OPA = shutil.which("opa")
needs_opa = pytest.mark.skipif(OPA is None, reason="no opa binary on PATH")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def opa_binary_url() -> Iterator[str]:
    assert OPA is not None
    port = _free_port()
    process = subprocess.Popen(
        [OPA, "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@needs_opa
@pytest.mark.parametrize("name", sorted(all_expectations()))
def test_fixture_on_real_opa_server(
    name: str, opa_binary_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = all_expectations()[name]
    args = ["check", str(case["file"]), "--opa-url", opa_binary_url, *case_options(case)]
    assert main(args) == case["exit"]
    capsys.readouterr()


@needs_opa
def test_plain_opa_eval_gives_the_same_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert OPA is not None
    pack = load_pack()
    done = subprocess.run(
        [OPA, "eval", "-f", "json", "-d", str(pack.root), "-i", str(PLAN), ENTRYPOINT],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)["result"][0]["expressions"][0]["value"]
    main(["check", str(PLAN), "--format", "json"])
    ours = json.loads(capsys.readouterr().out)
    assert sorted(f["message"] for f in report["findings"]) == sorted(
        f["message"] for f in ours["findings"]
    )


@needs_opa
def test_opa_test_passes_on_the_policy_pack() -> None:
    assert OPA is not None
    subprocess.run([OPA, "test", str(load_pack().root)], check=True, env=dict(os.environ))
