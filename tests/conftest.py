from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from tests.opa_rest_server import opa_rest_server
from validator.report.paths import repository_root

# In CI, property tests draw the same examples every run and keep no example database:
# a failure there is reproducible, never a random draw that a rerun would not repeat.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
TERRAFORM = FIXTURES / "terraform"
INVENTORY = EXAMPLES / "inventory"
CORPUS = ROOT.parent / "shared" / "corpus"

# Examples that tests use by name.
REPLACED_PLAN = EXAMPLES / "terraform" / "replace-replicated-vm.plan.json"  # ASR004
SAFE_PLAN = EXAMPLES / "terraform" / "safe-update.plan.json"  # no finding
MODULE_PLAN = EXAMPLES / "terraform" / "attach-restored-disk.plan.json"  # ASR002, in a module

# The input kinds with fixtures: each directory of tests/fixtures with an expected.yaml.
FIXTURE_KINDS = tuple(sorted(path.parent.name for path in FIXTURES.glob("*/expected.yaml")))


def too_deep_for_the_engine(plan: Path, written: Path) -> Path:
    """The plan with a value nested 200 levels deep (regorus reads 128), written to `written`."""
    value = json.loads(plan.read_text())
    value["deep"] = json.loads("[" * 200 + "]" * 200)
    written.write_text(json.dumps(value))
    return written


def reported(path: Path) -> str:
    """How every report names a file of this checkout: from the repository root (README,
    Paths), as given where the checkout is in no repository."""
    root = repository_root()
    return path.resolve().relative_to(root).as_posix() if root else str(path)


def case_options(case: dict[str, Any]) -> list[str]:
    """A case's command-line options: its own, then --inventory for each inventory it names."""
    options = [*case["args"]]
    for name in case["inventory"]:
        options += ["--inventory", str(INVENTORY / name)]
    return options


def read_cases(path: Path) -> dict[str, dict[str, Any]]:
    """An expected.yaml: what each input must give, by case name. A case names its input
    (`plan`, default: the case name, relative to the file's directory), its inventories
    (in examples/inventory), its other arguments, its exit code and findings."""
    cases: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = cases.pop("defaults", {})
    for name, case in cases.items():
        case.setdefault("plan", name)
        case.setdefault("inventory", defaults.get("inventory", []))
        # Paths in args are relative to the repository root, wherever the tests run from.
        case["args"] = [
            str(ROOT / a) if a.startswith(("tests/", "examples/")) else a
            for a in case.get("args", [])
        ]
        case["file"] = path.parent / case["plan"]
    return cases


def expectations(kind: str) -> dict[str, dict[str, Any]]:
    """tests/fixtures/<kind>/expected.yaml."""
    return read_cases(FIXTURES / kind / "expected.yaml")


def all_expectations() -> dict[str, dict[str, Any]]:
    """Every fixture case ("<kind>/<case>") and every example case ("examples/<case>")."""
    cases = {
        f"{kind}/{name}": case
        for kind in FIXTURE_KINDS
        for name, case in expectations(kind).items()
    }
    examples = read_cases(EXAMPLES / "expected.yaml")
    return {**cases, **{f"examples/{name}": case for name, case in examples.items()}}


def expected_inputs() -> list[Path]:
    """Every input file that a fixture or example case names, once."""
    return sorted({case["file"] for case in all_expectations().values()})


def tf_config(directory: Path) -> Path:
    """The Terraform configuration of the module example plan, with the plan beside it."""
    config = directory / "config"
    shutil.copytree(FIXTURES / "tfconfig", config)
    shutil.copy(MODULE_PLAN, config / "plan.json")
    return config


@pytest.fixture(scope="session")
def opa_url() -> Iterator[str]:
    with opa_rest_server() as url:
        yield url
