"""Our JSON Schemas are valid, and both validators agree on what they accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import CORPUS, INVENTORY, ROOT, TERRAFORM
from validator.schemas import first_error

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid(path: Path) -> None:
    schema = json.loads(path.read_text())
    jsonschema.validators.validator_for(schema).check_schema(schema)


def documents() -> list[tuple[str, Any, str]]:
    cases: list[tuple[str, Any, str]] = []
    plans = [*TERRAFORM.glob("*.plan.json"), *(CORPUS / "terraform").glob("*.json")]
    for plan in sorted(plans):
        value = json.loads(plan.read_text())
        cases.append((plan.name, value, "terraform-plan.schema.json"))
        broken = json.loads(plan.read_text())
        broken["format_version"] = 2
        cases.append((plan.name + " (broken)", broken, "terraform-plan.schema.json"))
    cases.append(
        (
            "replicated-vms.yaml",
            yaml.safe_load((INVENTORY / "replicated-vms.yaml").read_text()),
            "inventory.schema.json",
        )
    )
    cases.append(
        (
            "protected-items.json",
            json.loads((INVENTORY / "protected-items.json").read_text()),
            "inventory-az-protected-items.schema.json",
        )
    )
    cases.append(("not-items", {"value": [{"id": 3}]}, "inventory-az-protected-items.schema.json"))
    return cases


@pytest.mark.parametrize(("name", "value", "schema"), documents(), ids=lambda x: str(x)[:40])
def test_validators_agree(name: str, value: Any, schema: str) -> None:
    from validator.schemas import load_schema

    reference = jsonschema.validators.validator_for(load_schema(schema))(load_schema(schema))
    assert reference.is_valid(value) == (first_error(value, schema) is None)
