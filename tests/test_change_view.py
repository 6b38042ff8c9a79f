"""The change view is a documented contract: every plan, what-if result and template the tests
and the corpus hold maps into schemas/change-view.schema.json, the same on both engines."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from tests.conftest import CORPUS, ROOT, all_expectations
from tests.reference_opa import shared_reference
from validator import change_view, inputs, kinds
from validator.cli import main
from validator.engines.embedded import EmbeddedEngine
from validator.files import Candidate
from validator.inventory import inventory_data
from validator.policy import PolicyData, load_pack

SCHEMA = json.loads((ROOT / "schemas" / "change-view.schema.json").read_text(encoding="utf-8"))
CHANGE_KINDS = {"terraform-plan", "arm-whatif", "arm-template"}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases = sorted(all_expectations().items())
    corpus = sorted(
        p for sub in ("terraform", "arm", "whatif") for p in (CORPUS / sub).glob("*.json")
    )
    return cases + [
        (f"corpus/{p.parent.name}/{p.name}", {"file": p, "inventory": [], "args": []})
        for p in corpus
    ]


def _document_and_context(case: dict[str, Any]) -> Any:
    args: list[str] = case["args"]
    parameters = [args[i + 1] for i, a in enumerate(args) if a == "--parameters"]
    scope = next((args[i + 1] for i, a in enumerate(args) if a == "--scope"), None)
    context = kinds.run_context(parameters=parameters, scope=scope)
    return inputs.load_input(Candidate(str(case["file"]), scanned=True), context=context)


CASES = [(name, case) for name, case in _cases()]


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_every_change_input_maps_into_the_documented_view(name: str, case: dict[str, Any]) -> None:
    document = _document_and_context(case)
    if document is None or document.kind not in CHANGE_KINDS:
        pytest.skip("not a change")
    inventory = [str(ROOT / "examples" / "inventory" / i) for i in case["inventory"]]
    data = PolicyData(
        matrix=load_pack().matrix, inventory=inventory_data(inventory) if inventory else None
    )
    engine = EmbeddedEngine(load_pack(), data)
    engine.read(document)
    view = engine.query(change_view.VIEW)
    jsonschema.Draft202012Validator(SCHEMA).validate(view)
    assert view["kind"] == document.kind
    other = shared_reference(load_pack(), data)
    assert other.query(change_view.VIEW, json.loads(document.text)) == view


def test_the_view_command_prints_the_view(capsys: pytest.CaptureFixture[str]) -> None:
    plan = ROOT / "examples" / "terraform" / "replace-replicated-vm.plan.json"
    assert (
        main(
            [
                "view",
                str(plan),
                "--inventory",
                str(ROOT / "examples" / "inventory" / "replicated-vms.yaml"),
            ]
        )
        == 0
    )
    view = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(SCHEMA).validate(view)
    assert [(e["type"], e["action"]) for e in view["resources"] if e["action"] != "no-op"] == [
        ("vm", "replace")
    ]


def test_a_restore_request_has_no_view(capsys: pytest.CaptureFixture[str]) -> None:
    request = ROOT / "examples" / "restore" / "vm-restore-in-place.json"
    assert main(["view", str(request)]) == 2
    assert "not a change" in capsys.readouterr().err


def test_the_rules_command_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    matrix = load_pack().matrix["scenarios"]
    assert sorted(r["rule_id"] for r in rows) == sorted(row["rule_id"] for row in matrix.values())
    for row in rows:
        assert row["basis"] in {"documented", "policy"}
        assert row["source"]["url"].startswith("https://")
        assert row["source"]["quote"]
        kinds = {"terraform-plan", "arm-whatif", "arm-template", "backup-restore-request"}
        assert row["applies_to"] and set(row["applies_to"]) <= kinds
