"""The shared corpus of real third-party files: each is classified, none crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS
from validator.cli import main

FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix == ".json")
TERRAFORM_PLANS = [p for p in FILES if p.parent.name == "terraform"]


def test_corpus_is_there() -> None:
    assert len(TERRAFORM_PLANS) >= 9


@pytest.mark.parametrize("path", TERRAFORM_PLANS, ids=lambda p: p.name)
def test_real_terraform_plans_are_evaluated(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # None of these third-party plans touches Site Recovery: they must pass.
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "(terraform-plan): no findings" in out


@pytest.mark.parametrize(
    "path", [p for p in FILES if p not in TERRAFORM_PLANS], ids=lambda p: p.name
)
def test_other_corpus_files_are_rejected_clearly(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"asr-guard: error: {path}: not a supported input")
    assert "Traceback" not in err
