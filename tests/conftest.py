from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from tests.opa_rest_server import opa_rest_server

# In CI, property tests draw the same examples every run and keep no example database:
# a failure there is reproducible, never a random draw that a rerun would not repeat.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TERRAFORM = FIXTURES / "terraform"
INVENTORY = FIXTURES / "inventory"
CORPUS = ROOT.parent / "shared" / "corpus"


FIXTURE_KINDS = ("terraform", "restore", "whatif", "arm")


def expectations(kind: str) -> dict[str, dict[str, Any]]:
    """tests/fixtures/<kind>/expected.yaml: what each fixture must give, by case name."""
    cases: dict[str, dict[str, Any]] = yaml.safe_load(
        (FIXTURES / kind / "expected.yaml").read_text(encoding="utf-8")
    )
    defaults = cases.pop("defaults", {})
    for name, case in cases.items():
        case.setdefault("plan", name)
        case.setdefault("inventory", defaults.get("inventory", []))
        # Paths in args are relative to the repository root, wherever the tests run from.
        case["args"] = [
            str(ROOT / a) if a.startswith("tests/") else a for a in case.get("args", [])
        ]
        case["file"] = FIXTURES / kind / case["plan"]
    return cases


def all_expectations() -> dict[str, dict[str, Any]]:
    return {
        f"{kind}/{name}": case
        for kind in FIXTURE_KINDS
        for name, case in expectations(kind).items()
    }


def terraform_expectations() -> dict[str, dict[str, Any]]:
    return expectations("terraform")


@pytest.fixture(scope="session")
def opa_url() -> Iterator[str]:
    with opa_rest_server() as url:
        yield url
