"""No valid template refused: every one of the 1,126 Azure quickstart templates (the
2021-03-01 snapshot in ../shared/quickstarts, all of which Azure accepts, 22 with comments,
trailing commas or multi-line strings) resolves, without a traceback, to a document that
holds to schemas/resolved-template.schema.json. About 15 s in one process; deselect with
-m "not quickstarts"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT
from validator.cli import main
from validator.schemas import first_error

QUICKSTARTS = ROOT.parent / "shared" / "quickstarts"
TEMPLATES = sorted(QUICKSTARTS.rglob("azuredeploy.json"))


def test_the_quickstarts_are_there() -> None:
    assert len(TEMPLATES) == 1126, f"the quickstart templates are not at {QUICKSTARTS}"


@pytest.mark.quickstarts
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.parent.relative_to(QUICKSTARTS)))
def test_quickstart_resolves(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["resolve", str(path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    resolved = json.loads(captured.out)
    assert first_error(resolved, "resolved-template.schema.json") is None
