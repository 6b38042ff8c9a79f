from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.opa_rest_server import opa_rest_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TERRAFORM = FIXTURES / "terraform"
INVENTORY = FIXTURES / "inventory"
CORPUS = ROOT.parent / "shared" / "corpus"


def terraform_expectations() -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = yaml.safe_load(
        (TERRAFORM / "expected.yaml").read_text(encoding="utf-8")
    )
    for name, case in cases.items():
        case.setdefault("plan", name)
        case.setdefault("inventory", [])
        case.setdefault("args", [])
    return cases


@pytest.fixture(scope="session")
def opa_url() -> Iterator[str]:
    with opa_rest_server() as url:
        yield url
