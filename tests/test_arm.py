"""The ARM expression evaluator and template resolver, on small cases and the real corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, EXAMPLES, FIXTURES, SAFE_PLAN
from validator.arm import load_parameters, resolve_template
from validator.arm_expressions import Evaluator, ExpressionError, Scope, Unresolved, parse
from validator.cli import main

SCOPE = "/subscriptions/s1/resourceGroups/rg1"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def evaluate(text: str, parameters: dict[str, Any] | None = None, scope: str | None = SCOPE) -> Any:
    variables = {"prefix": "[concat(parameters('name'), '-x')]", "list": ["a", "b"]}
    return Evaluator(parameters or {"name": "vm1", "n": 2}, variables, Scope(scope)).expression(
        text
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("concat('a', 'b', 'c')", "abc"),
        ("concat(createArray(1), createArray(2))", [1, 2]),
        ("format('{0}-{1}', 'a', 7)", "a-7"),
        ("toLower('VM')", "vm"),
        ("variables('prefix')", "vm1-x"),
        ("VARIABLES('PREFIX')", "vm1-x"),
        ("variables('list')[1]", "b"),
        ("length(variables('list'))", 2),
        ("if(equals(parameters('n'), 2), 'two', 'other')", "two"),
        ("split('a/b/c', '/')[2]", "c"),
        ("'it''s'", "it's"),
        ("createObject('a', createObject('b', 5)).a.b", 5),
        ("tryGet(createObject('a', 1), 'missing')", None),
        ("add(copyIndex('x', 0), 1)", None),  # replaced below: needs a loop
        (
            "resourceId('Microsoft.Compute/disks', 'd1')",
            f"{SCOPE}/providers/Microsoft.Compute/disks/d1",
        ),
        (
            "resourceId('Microsoft.RecoveryServices/vaults/replicationFabrics', 'v', 'f')",
            f"{SCOPE}/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f",
        ),
        (
            "resourceId('other-rg', 'Microsoft.Compute/disks', 'd1')",
            "/subscriptions/s1/resourceGroups/other-rg/providers/Microsoft.Compute/disks/d1",
        ),
        ("subscription().subscriptionId", "s1"),
        ("resourceGroup().name", "rg1"),
        (
            "extensionResourceId('/subscriptions/s2/resourceGroups/r', 'Microsoft.Compute/virtualMachines', 'v')",
            "/subscriptions/s2/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v",
        ),
    ],
)
def test_functions(text: str, expected: Any) -> None:
    if text.startswith("add(copyIndex"):
        evaluator = Evaluator({}, {}, Scope()).with_copy_index("x", 3)
        assert evaluator.expression("add(copyIndex('x'), 1)") == 4
        assert evaluator.expression("copyIndex(10)") == 13
        return
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "reference('x').id",
        "uniqueString(resourceGroup().id)",
        "concat('a', parameters('missing'))",
        "listKeys('x', '2020-01-01').keys[0].value",
        "resourceGroup().location",
        "my.func(1)",
    ],
)
def test_deployment_time_values_are_unresolved_not_guessed(text: str) -> None:
    value = evaluate(text, {"missing": Unresolved("parameter 'missing' has no value")})
    assert isinstance(value, Unresolved)


def test_without_scope_ids_use_placeholders() -> None:
    value = evaluate("resourceId('Microsoft.Compute/disks', 'd')", scope=None)
    assert (
        value
        == "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/disks/d"
    )


@pytest.mark.parametrize("text", ["concat('a'", "concat('a') extra", "'unterminated", "1 +"])
def test_malformed_expressions_are_errors(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_bad_scope_is_refused() -> None:
    with pytest.raises(ExpressionError):
        Scope("/subscriptions/s1")


def test_literal_bracket_and_self_reference() -> None:
    evaluator = Evaluator({}, {"a": "[variables('a')]"}, Scope())
    assert evaluator.value("[[not an expression]") == "[not an expression]"
    value = evaluator.value("[variables('a')]")
    assert isinstance(value, Unresolved)
    assert "refers to itself" in value.reason


def test_copy_loops_conditions_and_child_resources() -> None:
    template = {
        "$schema": SCHEMA,
        "parameters": {"count": {"type": "int", "defaultValue": 2}, "on": {"type": "bool"}},
        "resources": [
            {
                "type": "Microsoft.Compute/disks",
                "name": "[format('d{0}', copyIndex())]",
                "copy": {"name": "disks", "count": "[parameters('count')]"},
                "properties": {"creationData": {"createOption": "Empty"}},
            },
            {"type": "Microsoft.Compute/disks", "name": "never", "condition": False},
            {"type": "Microsoft.Compute/disks", "name": "maybe", "condition": "[parameters('on')]"},
            {
                "type": "Microsoft.RecoveryServices/vaults",
                "name": "v",
                "resources": [{"type": "replicationFabrics", "name": "f", "properties": {}}],
            },
        ],
    }
    resolved = resolve_template(template, {}, Scope(SCOPE))
    names = [r["name"] for r in resolved["resources"]]
    assert names == ["d0", "d1", "maybe", "v", "v/f"]
    assert (
        resolved["resources"][-1]["type"] == "Microsoft.RecoveryServices/vaults/replicationFabrics"
    )
    assert resolved["resources"][-1]["id"].endswith("/vaults/v/replicationFabrics/f")
    # The condition depends on a parameter without a value: kept, and reported.
    assert any("parameter 'on'" in u["reason"] for u in resolved["asr_guard"]["unresolved"])


def test_parameters_file_and_key_vault_reference(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "parameters": {
                    "a": {"value": 1},
                    "secret": {"reference": {"keyVault": {"id": "/kv"}, "secretName": "s"}},
                }
            }
        )
    )
    values = load_parameters(str(path))
    assert values["a"] == 1
    assert isinstance(values["secret"], Unresolved)


def test_bicep_module_with_inner_scope_and_property_copy() -> None:
    template = json.loads((FIXTURES / "arm" / "module-disks-from-snapshots.json").read_text())
    resolved = resolve_template(template, {}, Scope(SCOPE))
    by_name = {r["name"]: r for r in resolved["resources"]}
    assert by_name["vm-app-01-restored-1"]["properties"]["creationData"][
        "sourceResourceId"
    ].endswith("vm-app-01-data-02-snap-20261120")
    vm = [
        r
        for r in resolved["resources"]
        if r["type"] == "Microsoft.Compute/virtualMachines" and not r.get("existing")
    ]
    disks = vm[0]["properties"]["storageProfile"]["dataDisks"]
    assert [d["lun"] for d in disks] == [4, 5]
    assert vm[0]["deployment"] == "restored-disks-vm-app-01"
    assert resolved["asr_guard"]["unresolved"] == []


@pytest.mark.parametrize("path", sorted((CORPUS / "arm").glob("*.json")), ids=lambda p: p.name)
def test_real_templates_resolve(path: Path) -> None:
    resolved = resolve_template(json.loads(path.read_text()), {}, Scope(SCOPE))
    # A copy loop whose count is a parameter without value deploys nothing known: reported.
    assert resolved["resources"] or resolved["asr_guard"]["unresolved"]
    json.dumps(resolved)  # nothing unserialisable is left


def test_resolve_command(capsys: pytest.CaptureFixture[str]) -> None:
    template = EXAMPLES / "arm" / "attach-restored-disk.json"
    parameters = EXAMPLES / "arm" / "attach-restored-disk.parameters.json"
    code = main(["resolve", str(template), "--parameters", str(parameters), "--scope", SCOPE])
    resolved = json.loads(capsys.readouterr().out)
    assert code == 0
    assert resolved["resources"][0]["properties"]["creationData"]["sourceResourceId"].startswith(
        "/subscriptions/6f1c3c4e"
    )


def test_resolve_command_rejects_other_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    plan = SAFE_PLAN
    assert main(["resolve", str(plan)]) == 2
    assert "not an ARM deployment template" in capsys.readouterr().err


def test_bad_scope_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    template = FIXTURES / "arm" / "add-empty-disk.json"
    assert main(["check", str(template), "--scope", "/subscriptions/x"]) == 2
    assert "--scope must be" in capsys.readouterr().err
