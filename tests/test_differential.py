"""The embedded engine must decide exactly as real OPA (1.20.2, Go library) does."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, INVENTORY, TERRAFORM, expected_inputs
from tests.reference_opa import ReferenceOpa, reference_decision
from validator.engines.embedded import EmbeddedEngine
from validator.files import Candidate
from validator.inputs import load_input
from validator.inventory import inventory_data
from validator.policy import PolicyData, RegoTest, load_pack

PACK = load_pack()
PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
TESTS = PACK.tests()
# Every input a fixture or example case names, and the corpus of real third-party files.
PLANS = (
    expected_inputs()
    + sorted((CORPUS / "terraform").glob("*.json"))
    + sorted((CORPUS / "arm").glob("*.json"))
    + sorted((CORPUS / "rest" / "backup").glob("*Restore*.json"))
)
INVENTORIES = [None, INVENTORY / "replicated-vms.yaml"]


@pytest.fixture(scope="module")
def engines_with_tests() -> Iterator[tuple[EmbeddedEngine, ReferenceOpa]]:
    embedded = EmbeddedEngine(PACK)
    embedded.add_test_modules(PACK)
    reference = ReferenceOpa(PACK, with_tests=True)
    yield embedded, reference
    reference.close()


def test_every_policy_package_has_tests() -> None:
    packages = {package for _, source in PACK.modules for package in PACKAGE.findall(source)}
    tested = {
        package.removesuffix("_test")
        for _, source in PACK.test_modules
        for package in PACKAGE.findall(source)
    }
    assert packages - tested == set()
    assert len(TESTS) >= 30


class PackageDocuments:
    """The document of each test package on real OPA, evaluated once per package.

    OPA prepares (compiles) the pack once per distinct query, about a second each: one
    query per package instead of one per test saves minutes. A test rule's value in its
    package's document is the value of the rule; a failing test is false or absent there,
    and a package whose evaluation fails fails each of its tests with that error."""

    def __init__(self, reference: ReferenceOpa) -> None:
        self._reference = reference
        self._documents: dict[str, Any] = {}

    def value(self, test: RegoTest) -> Any:
        if test.package not in self._documents:
            self._documents[test.package] = self._reference.query(f"data.{test.package}")
        document = self._documents[test.package]
        return document.get(test.rule) if isinstance(document, dict) else None


@pytest.fixture(scope="module")
def reference_packages(
    engines_with_tests: tuple[EmbeddedEngine, ReferenceOpa],
) -> PackageDocuments:
    return PackageDocuments(engines_with_tests[1])


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.query)
def test_rego_unit_test_passes_on_both_engines(
    test: RegoTest,
    engines_with_tests: tuple[EmbeddedEngine, ReferenceOpa],
    reference_packages: PackageDocuments,
) -> None:
    embedded, _ = engines_with_tests
    assert reference_packages.value(test) is True, "fails on real OPA"
    assert embedded.query(test.query) is True, "fails on the embedded engine"


def test_a_failing_rego_test_fails_on_real_opa() -> None:
    """Not vacuous: a test rule that does not hold is not true in its package's document."""
    extra = "package extra_test\n\ntest_holds if 1 == 1\n\ntest_fails if 1 == 2\n"
    pack = dataclasses.replace(PACK, test_modules=(*PACK.test_modules, ("extra.rego", extra)))
    reference = ReferenceOpa(pack, with_tests=True)
    try:
        documents = PackageDocuments(reference)
        assert documents.value(RegoTest("extra_test", "test_holds", "extra.rego")) is True
        assert documents.value(RegoTest("extra_test", "test_fails", "extra.rego")) is None
    finally:
        reference.close()


def canonical(report: Any) -> str:
    return json.dumps(report, sort_keys=True)


@pytest.mark.parametrize("inventory", INVENTORIES, ids=lambda p: p.name if p else "no-inventory")
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_decision_is_identical_to_opa(plan: Path, inventory: Path | None) -> None:
    data = PolicyData(PACK.matrix, inventory_data([str(inventory)] if inventory else []))
    document = load_input(Candidate(str(plan)))
    assert document is not None
    embedded = EmbeddedEngine(PACK, data).evaluate(document).raw
    expected = reference_decision(PACK, data, document.value)
    assert expected is not None
    assert canonical(embedded) == canonical(expected)


def test_identity_check_would_catch_a_difference() -> None:
    """The comparison is not vacuous: different inventories give different decisions."""
    document = load_input(Candidate(str(TERRAFORM / "vm-replaced-not-replicated.plan.json")))
    assert document is not None
    plain = EmbeddedEngine(PACK).evaluate(document).raw
    inventory = inventory_data([str(INVENTORY / "replicated-vms.yaml")])
    other = reference_decision(PACK, PolicyData(PACK.matrix, inventory), document.value)
    assert canonical(plain) != canonical(other)
