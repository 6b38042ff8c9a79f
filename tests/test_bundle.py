"""`asr-guard bundle`: the OPA bundle and the Rego-only policy set, loaded into the real OPA
engine, decide every fixture as the embedded engine does.

opa-golib-python-bindings has no bundle loader, so the bundle is read here as OPA reads one
(https://www.openpolicyagent.org/docs/management-bundles#bundle-file-format): each .rego file a
module, each data.json the document at its directory's path, the .manifest's roots owning every
package and every data path. tests/test_opa_backend.py loads it with the real binary when one is
on PATH.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INVENTORY, MODULE_PLAN, REPLACED_PLAN, ROOT, expected_inputs
from validator import kinds
from validator.bundle import package_of
from validator.cli import main
from validator.documents import InputDocument
from validator.engines.embedded import EmbeddedEngine
from validator.files import Candidate
from validator.inputs import load_input
from validator.inventory import inventory_data
from validator.policy import ENTRYPOINT, PolicyData, load_pack

from opa_bindings import OpaEngine  # isort: skip

PACK = load_pack()
REPLICATED = INVENTORY / "replicated-vms.yaml"
SCOPE = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu"
FIXTURE_FILES = expected_inputs()


def _read_archive(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {
            member.name.lstrip("/"): archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        }


def _engine(files: dict[str, bytes]) -> OpaEngine:
    """The real OPA engine loaded with the files as OPA loads a bundle or a policy directory."""
    engine = OpaEngine()
    data: dict[str, Any] = {}
    for name, content in files.items():
        if name.endswith(".rego"):
            engine.add_policy(name, content.decode())
        elif name.endswith("data.json"):
            node = data
            for key in Path(name).parent.parts:
                node = node.setdefault(key, {})
            node.update(json.loads(content))
    engine.add_data(data)
    return engine


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The bundle and the policy set, each with the replication inventory as central data."""
    out = tmp_path_factory.mktemp("bundle")
    archive, directory = out / "asr-guard.tar.gz", out / "policy-set"
    assert main(["bundle", "--output", str(archive), "--inventory", str(REPLICATED)]) == 0
    args = [
        "bundle",
        "--output",
        str(directory),
        "--format",
        "rego",
        "--inventory",
        str(REPLICATED),
    ]
    assert main(args) == 0
    rego = {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file()
    }
    return {"opa": _read_archive(archive), "rego": rego}


def test_the_manifest(built: dict[str, dict[str, bytes]]) -> None:
    files = built["opa"]
    manifest = json.loads(files[".manifest"])
    assert manifest["roots"] == ["asr_guard"]
    assert manifest["revision"] == PACK.version
    # The roots own everything in the bundle: every package and every data path.
    for name, content in files.items():
        if name.endswith(".rego"):
            package = package_of(content.decode())
            assert package == "asr_guard" or package.startswith("asr_guard."), name
        elif name != ".manifest":
            assert name.startswith("asr_guard/") and name.endswith("/data.json"), name
    assert "asr_guard/matrix/data.json" in files and "asr_guard/inventory/data.json" in files
    assert not any(name.endswith("_test.rego") for name in files)


def test_the_policy_set_is_rego_only(built: dict[str, dict[str, bytes]]) -> None:
    names = set(built["rego"])
    assert all(name.endswith(".rego") for name in names - {"policies.hcl"})
    assert b"data.asr_guard.platforms.hcp_terraform.deny" in built["rego"]["policies.hcl"]
    assert "asr_guard/platforms/env0/env0.rego" in names  # env0 needs `package env0`


def test_the_bundle_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    assert main(["bundle", "--output", str(first)]) == 0
    assert main(["bundle", "--output", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.fixture(scope="module")
def engines(built: dict[str, dict[str, bytes]]) -> Iterator[dict[str, Any]]:
    opened = {fmt: _engine(files) for fmt, files in built.items()}
    central = PolicyData(PACK.matrix, inventory_data([str(REPLICATED)]))
    yield {**opened, "embedded": EmbeddedEngine(PACK, central)}
    for engine in opened.values():
        engine.close()


def _document(path: Path) -> InputDocument:
    context = kinds.run_context(scope=SCOPE)
    document = load_input(Candidate(str(path)), context=context)
    assert document is not None
    return document


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_is_decided_as_by_the_embedded_engine(
    fixture: Path, engines: dict[str, Any]
) -> None:
    document = _document(fixture)
    expected = engines["embedded"].evaluate(document).raw
    for fmt in ("opa", "rego"):
        decision = engines[fmt].eval_document(ENTRYPOINT.removeprefix("data."), document.value)
        assert json.dumps(decision, sort_keys=True) == json.dumps(expected, sort_keys=True), fmt


def test_the_comparison_would_see_a_missing_inventory(engines: dict[str, Any]) -> None:
    document = _document(MODULE_PLAN)
    assert engines["embedded"].evaluate(document).findings  # the central inventory counts
    bare = EmbeddedEngine(PACK).evaluate(document)
    assert not bare.findings


def test_an_existing_directory_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["bundle", "--output", str(tmp_path), "--format", "rego"]) == 2
    assert "not an empty directory" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.skipif(shutil.which("opa") is None, reason="no opa binary on PATH")
def test_the_real_opa_loads_the_bundle(tmp_path: Path) -> None:
    archive = tmp_path / "asr-guard.tar.gz"
    assert main(["bundle", "--output", str(archive)]) == 0
    plan = REPLACED_PLAN
    done = subprocess.run(
        [
            "opa",
            "eval",
            "--format",
            "json",
            "--bundle",
            str(archive),
            "--input",
            str(plan),
            ENTRYPOINT,
        ],
        capture_output=True,
        check=True,
    )
    value = json.loads(done.stdout)["result"][0]["expressions"][0]["value"]
    assert value == EmbeddedEngine(PACK).evaluate(_document(plan))


def test_the_documented_decision_log_mask_drops_asr_guards_input() -> None:
    """docs/decision-log-mask.rego, on decision log events as OPA gives them to the mask."""
    engine = OpaEngine()
    try:
        source = (ROOT / "docs" / "decision-log-mask.rego").read_text()
        engine.add_policy("decision-log-mask.rego", source)
        ours = {"path": "asr_guard/main/report", "input": {"asr_guard_request": {}}}
        other = {"path": "httpapi/authz/allow", "input": {"user": "x"}}
        assert engine.eval_document("system.log.mask", ours) == ["/input"]
        assert engine.eval_document("system.log.mask", other) == []
    finally:
        engine.close()
