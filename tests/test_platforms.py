"""The platform entry points (policies/asr_guard/platforms/) on the input shapes the platforms
document, on every Terraform plan fixture: the same decisions on the embedded engine and on
real OPA, and the pack's own verdict (data.asr_guard.main.deny/warn on the plan itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, INVENTORY, REPLACED_PLAN, TERRAFORM
from tests.reference_opa import ReferenceOpa
from validator.documents import InputDocument
from validator.engines.embedded import EmbeddedEngine
from validator.inventory import inventory_data
from validator.policy import PolicyData, load_pack

PACK = load_pack()
PLANS = sorted(TERRAFORM.glob("*.plan.json")) + sorted((CORPUS / "terraform").glob("*.json"))
INVENTORIES = [None, INVENTORY / "replicated-vms.yaml"]


def hcp_terraform(plan: dict[str, Any]) -> dict[str, Any]:
    # https://developer.hashicorp.com/terraform/cloud-docs/policy-enforcement/define-policies/opa
    run = {"id": "run-1", "is_destroy": False, "organization": {"name": "org"}, "workspace": {}}
    return {"plan": plan, "run": run}


def env0(plan: dict[str, Any]) -> dict[str, Any]:
    # https://docs.envzero.com/guides/policies-governance/approval-policies ("Input by env zero")
    request = {"type": "deploy", "triggerName": "user", "revision": "main"}
    return {
        "deploymentRequest": request,
        "template": {"type": "terraform"},
        "costEstimation": {"totalMonthlyCost": 0, "monthlyCostDiff": 0},
        "plan": plan,
        "deployerUser": {"name": "u", "email": "u@example.invalid"},
        "approvers": [],
    }


def spacelift(plan: dict[str, Any]) -> dict[str, Any]:
    # https://docs.spacelift.io/concepts/policy/terraform-plan-policy ("Data input"): the
    # changes only, each with address, type, name, provider_name and change.
    keys = ("address", "type", "name", "provider_name", "change")
    changes = [
        {key: change[key] for key in keys if key in change}
        for change in plan.get("resource_changes", [])
    ]
    return {
        "spacelift": {"run": {"type": "PROPOSED"}, "stack": {"name": "app"}},
        "terraform": {
            "resource_changes": changes,
            "terraform_version": plan["terraform_version"],
        },
    }


# platform -> (its input shape, its denial rule, its warning rule)
PLATFORMS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str, str]] = {
    "hcp_terraform": (
        hcp_terraform,
        "data.asr_guard.platforms.hcp_terraform.deny",
        "data.asr_guard.platforms.hcp_terraform.warn",
    ),
    "env0": (env0, "data.env0.deny", "data.env0.pending"),
    "spacelift": (spacelift, "data.spacelift.deny", "data.spacelift.warn"),
}


def given(platform: str, plan: dict[str, Any]) -> dict[str, Any]:
    """The plan as the platform gives it to its policies."""
    if platform == "spacelift":
        return {"format_version": "spacelift", **spacelift(plan)["terraform"]}
    return plan


@pytest.fixture(scope="module", params=INVENTORIES, ids=lambda p: p.name if p else "no-inventory")
def engines(request: pytest.FixtureRequest) -> Iterator[tuple[EmbeddedEngine, ReferenceOpa]]:
    data = PolicyData(PACK.matrix, inventory_data([str(request.param)] if request.param else []))
    reference = ReferenceOpa(PACK, data)
    yield EmbeddedEngine(PACK, data), reference
    reference.close()


def _embedded(engine: EmbeddedEngine, value: Any, rule: str) -> Any:
    text = json.dumps(value)
    engine.evaluate(InputDocument("-", "", text, value))
    return engine.query(rule)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.name)
def test_entry_point_gives_the_packs_verdict_on_both_engines(
    platform: str, plan_path: Path, engines: tuple[EmbeddedEngine, ReferenceOpa]
) -> None:
    embedded, reference = engines
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    shape, deny_rule, warn_rule = PLATFORMS[platform]
    wrapped = shape(plan)
    for rule, own in (
        (deny_rule, "data.asr_guard.main.deny"),
        (warn_rule, "data.asr_guard.main.warn"),
    ):
        on_opa = reference.query(rule, wrapped)
        assert sorted(_embedded(embedded, wrapped, rule)) == sorted(on_opa), "engines differ"
        # The platform reports exactly what the pack says of the plan it is given (Spacelift
        # gives only the changes: no configuration, no prior state).
        assert sorted(on_opa) == sorted(reference.query(own, given(platform, plan))), rule


def test_the_comparison_would_see_a_denial() -> None:
    """Not vacuous: some fixture is denied through every entry point."""
    plan = json.loads(REPLACED_PLAN.read_text())
    reference = ReferenceOpa(PACK)
    try:
        for shape, deny_rule, _ in PLATFORMS.values():
            assert reference.query(deny_rule, shape(plan))
    finally:
        reference.close()
