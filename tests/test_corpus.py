"""The shared corpus of real third-party files: each is classified, none crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES
from validator.cli import main

FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix == ".json")

# Which kind each corpus file is; None: not an input asr-guard evaluates (rejected clearly).
RESTORE_EXAMPLES = {
    "TriggerRestore_ALR_IaasVMRestoreRequest.json": "ASR010",
    "TriggerRestore_ALR_IaasVMRestoreRequest_IdentityBasedRestoreDetails.json": "ASR010",
    "TriggerRestore_ALR_IaasVMRestoreWithRehydrationRequest.json": "ASR010",
    "TriggerRestore_ResourceGuardEnabled.json": "ASR010",
    "TriggerRestore_RestoreDisks_IaasVMRestoreRequest.json": "ASR010",
    "TriggerRestore_RestoreDisks_IaasVMRestoreWithRehydrationRequest.json": "ASR010",
    "Provision_Ilr.json": "ASR001",
}


def expected_kind(path: Path) -> str | None:
    if path.parent.name == "terraform":
        return "terraform-plan"
    if path.parent.name == "arm":
        return "arm-template"
    if path.name in RESTORE_EXAMPLES:
        return "backup-restore-request"
    return None


def test_corpus_is_there() -> None:
    assert len(FILES) >= 40, f"shared corpus not found at {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_file_is_classified(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(path), "--format", "json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    kind = expected_kind(path)
    if kind is None:
        assert code == 2
        assert out.err.startswith(f"asr-guard: error: {path}: not a supported input")
        return
    assert code == 0, out.err  # no inventory: nothing in the corpus is known to be replicated
    report = json.loads(out.out)
    assert [(i["path"], i["kind"]) for i in report["inputs"]] == [(str(path), kind)]
    assert report["findings"] == []


@pytest.mark.parametrize("name", sorted(RESTORE_EXAMPLES))
def test_real_restore_requests_on_replicated_vms(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = CORPUS / "rest" / "backup" / name
    inventory = FIXTURES / "corpus" / "rest-example-vms.yaml"
    code = main(["check", str(path), "--inventory", str(inventory), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [f["rule_id"] for f in report["findings"]] == [RESTORE_EXAMPLES[name]]
