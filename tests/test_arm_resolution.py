"""Templates read as Azure Resource Manager reads them: the resolved-template contract,
nested deployment scopes, copy loops, parameters files, template JSON beyond strict JSON,
and ARM's limits (past them: exit 2, one line naming the file, the limit and the place)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, FIXTURES, ROOT
from tests.schema_check import validate
from validator import inputs, kinds
from validator.arm import MAX_NESTING, is_template, paired_parameters, resolve_template
from validator.arm_expressions import LimitError, Scope
from validator.cli import main
from validator.files import Candidate
from validator.jsonc import loads_lenient

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
SUB = "11111111-2222-3333-4444-555555555555"
SCOPE = f"/subscriptions/{SUB}/resourceGroups/rg-app-weu"
FIELD = ROOT.parent / "shared" / "field" / "2026-12-02"
REDTEAM = FIELD / "redteam"
DISKS = "Microsoft.Compute/disks"
VMS = "Microsoft.Compute/virtualMachines"


def template(resources: Any, **sections: Any) -> dict[str, Any]:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", **sections, "resources": resources}


def disk(name: str = "d1", **extra: Any) -> dict[str, Any]:
    return {
        "type": DISKS,
        "apiVersion": "2024-03-02",
        "name": name,
        "properties": {"creationData": {"createOption": "Empty"}},
        **extra,
    }


def resolve(value: dict[str, Any], scope: str | None = None, **parameters: Any) -> dict[str, Any]:
    resolved = resolve_template(value, parameters, Scope(scope))
    validate(resolved, "resolved-template.schema.json")
    return resolved


def by_name(resolved: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in resolved["resources"]}


def deployment(name: str, inner: dict[str, Any], **extra: Any) -> dict[str, Any]:
    properties = {"mode": "Incremental", "template": inner, **extra.pop("properties", {})}
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": name,
        **extra,
        "properties": properties,
    }


# --- the contract -----------------------------------------------------------------------------


def test_unresolved_value_is_marked_at_its_place_and_listed() -> None:
    resolved = resolve(
        template(
            [disk(properties={"creationData": {"createOption": "[parameters('option')]"}})],
            parameters={"option": {"type": "string"}},
        )
    )
    value = resolved["resources"][0]["properties"]["creationData"]["createOption"]
    assert value == "<unresolved: parameter 'option' has no value>"
    assert resolved["asr_guard"]["unresolved"] == [
        {
            "pointer": "/resources/0/properties/creationData/createOption",
            "reason": "parameter 'option' has no value",
        }
    ]


def test_copy_count_unresolved_emits_the_resource_once() -> None:
    resolved = resolve(
        template(
            [
                disk(
                    "[concat('d', copyIndex())]",
                    copy={"name": "many", "count": "[parameters('n')]"},
                )
            ],
            parameters={"n": {"type": "int"}},
        )
    )
    [resource] = resolved["resources"]
    assert resource["asr_guard_copy_unresolved"] == "copy loop 'many': parameter 'n' has no value"
    assert resource["name"].startswith("<unresolved: copyIndex() of copy loop 'many'")
    assert {
        "pointer": "/resources/0/copy/count",
        "reason": resource["asr_guard_copy_unresolved"],
    } in (resolved["asr_guard"]["unresolved"])


def test_copy_count_unresolved_is_passed_to_a_nested_deployment() -> None:
    inner = template([disk("inner-disk")])
    resolved = resolve(
        template(
            [
                deployment(
                    "[concat('m', copyIndex())]",
                    inner,
                    copy={"name": "m", "count": "[parameters('n')]"},
                )
            ],
            parameters={"n": {"type": "int"}},
        )
    )
    assert all("asr_guard_copy_unresolved" in r for r in resolved["resources"])
    assert {r["name"].split(":")[0] for r in resolved["resources"]} == {"<unresolved", "inner-disk"}


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        ({"templateLink": {"uri": "https://example.invalid/t.json"}}, "linked template"),
        ({"template": "[parameters('t')]"}, "parameter 't' has no value"),
    ],
)
def test_nested_template_not_read_is_itself_listed(properties: dict[str, Any], reason: str) -> None:
    resolved = resolve(
        template(
            [
                {
                    "type": "Microsoft.Resources/deployments",
                    "apiVersion": "2022-09-01",
                    "name": "nested",
                    "properties": {"mode": "Incremental", **properties},
                }
            ],
            parameters={"t": {"type": "object"}},
        )
    )
    [resource] = resolved["resources"]
    assert reason in resource["asr_guard_template_unresolved"]
    assert any(reason in u["reason"] for u in resolved["asr_guard"]["unresolved"])


def test_nesting_beyond_the_limit_is_listed_not_read() -> None:
    inner = template([disk("deepest")])
    for level in range(MAX_NESTING + 1):
        inner = template([deployment(f"level{level}", inner)])
    resolved = resolve(inner)
    names = [r["name"] for r in resolved["resources"]]
    assert "deepest" not in names
    unread = [r for r in resolved["resources"] if "asr_guard_template_unresolved" in r]
    assert len(unread) == 1
    assert f"deeper than {MAX_NESTING} levels" in unread[0]["asr_guard_template_unresolved"]
    # Within the limit, every level is read.
    assert "deepest" in by_name(resolve(template([deployment("one", template([disk("deepest")]))])))


def test_conditions() -> None:
    resolved = resolve(
        template(
            [
                disk("never", condition=False),
                disk("no", condition="[equals(1, 2)]"),
                disk("yes", condition="[equals(1, 1)]"),
                disk("maybe", condition="[parameters('on')]"),
                deployment(
                    "maybe-module", template([disk("inside")]), condition="[parameters('on')]"
                ),
            ],
            parameters={"on": {"type": "bool"}},
        )
    )
    resources = by_name(resolved)
    assert set(resources) == {"yes", "maybe", "maybe-module", "inside"}
    assert "condition" not in resources["yes"]
    assert resources["maybe"]["condition"] == "<unresolved: parameter 'on' has no value>"
    # The resources of a nested deployment whose condition is not known carry it.
    assert resources["inside"]["condition"] == resources["maybe-module"]["condition"]


def test_placeholders_and_given_scope() -> None:
    value = template([disk("d1"), disk("[concat(resourceGroup().name, '-d')]")])
    unscoped = resolve(value)
    assert unscoped["asr_guard"]["scope"] == {"subscription_id": None, "resource_group": None}
    assert unscoped["resources"][0]["id"] == (
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Compute/disks/d1"
    )
    # A name made from the resource group's name is not a placeholder: it is unknown.
    assert unscoped["resources"][1]["name"].startswith("<unresolved: resourceGroup().name")
    scoped = resolve(value, SCOPE)
    assert scoped["asr_guard"]["scope"] == {"subscription_id": SUB, "resource_group": "rg-app-weu"}
    assert scoped["resources"][1]["id"] == f"{SCOPE}/providers/Microsoft.Compute/disks/rg-app-weu-d"


# --- nested deployments: where they deploy ---------------------------------------------------


def test_nested_deployment_scope_sets_the_ids_inside() -> None:
    """d10: the Bicep module's subscriptionId and resourceGroup, from a subscription deployment."""
    value = json.loads((FIELD / "d10-nested-deployment-scope.json").read_text())
    resources = by_name(resolve(value))
    assert resources["vm-1"]["id"] == f"{SCOPE}/providers/{VMS}/vm-1"
    data_disk = resources["vm-1"]["properties"]["storageProfile"]["dataDisks"][0]
    assert data_disk["managedDisk"]["id"] == f"{SCOPE}/providers/{DISKS}/vm-1-data-fromsnap"
    assert resources["vm-module"]["id"] == (
        f"{SCOPE}/providers/Microsoft.Resources/deployments/vm-module"
    )


@pytest.mark.parametrize("evaluation", ["inner", "outer"])
def test_nested_deployment_to_another_resource_group(evaluation: str) -> None:
    inner = template(
        [
            disk(
                "d1",
                properties={
                    "own": "[resourceId('Microsoft.Compute/disks', 'd1')]",
                    "group": "[resourceGroup().name]",
                },
            )
        ]
    )
    resolved = resolve(
        template(
            [
                deployment(
                    "module",
                    inner,
                    resourceGroup="rg-other",
                    properties={"expressionEvaluationOptions": {"scope": evaluation}},
                )
            ]
        ),
        f"/subscriptions/{SUB}/resourceGroups/rg-deploy",
    )
    d1 = by_name(resolved)["d1"]
    # The disk deploys to rg-other either way ...
    assert d1["id"] == f"/subscriptions/{SUB}/resourceGroups/rg-other/providers/{DISKS}/d1"
    # ... but with the default (outer) evaluation, resourceGroup() and resourceId() answer
    # for the parent's resource group, as ARM documents.
    expected_group = "rg-other" if evaluation == "inner" else "rg-deploy"
    assert d1["properties"]["group"] == expected_group
    assert d1["properties"]["own"] == (
        f"/subscriptions/{SUB}/resourceGroups/{expected_group}/providers/{DISKS}/d1"
    )


def test_management_group_and_subscription_modules() -> None:
    inner_sub = {
        "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {
                "type": "Microsoft.Resources/resourceGroups",
                "apiVersion": "2022-09-01",
                "name": "rg-new",
            },
            deployment("rg-module", template([disk("d1")]), resourceGroup="rg-new"),
        ],
    }
    value = {
        "$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            deployment("sub-module", inner_sub, subscriptionId=SUB, location="westeurope")
        ],
    }
    resources = by_name(resolve(value))
    assert resources["rg-new"]["id"] == f"/subscriptions/{SUB}/resourceGroups/rg-new"
    assert (
        resources["d1"]["id"] == f"/subscriptions/{SUB}/resourceGroups/rg-new/providers/{DISKS}/d1"
    )
    assert resources["d1"]["deployment"] == "sub-module/rg-module"


def test_extension_resource_ids() -> None:
    lock = {
        "type": "Microsoft.Authorization/locks",
        "apiVersion": "2020-05-01",
        "name": "no-delete",
        "scope": "Microsoft.Compute/disks/d1",
        "properties": {"level": "CanNotDelete"},
    }
    resources = by_name(resolve(template([disk("d1"), lock]), SCOPE))
    assert resources["no-delete"]["id"] == (
        f"{SCOPE}/providers/{DISKS}/d1/providers/Microsoft.Authorization/locks/no-delete"
    )


def test_child_resources() -> None:
    vault = {
        "type": "Microsoft.RecoveryServices/vaults",
        "apiVersion": "2023-04-01",
        "name": "v",
        "resources": [
            {
                "type": "replicationFabrics",
                "apiVersion": "2023-04-01",
                "name": "f",
                "resources": [{"type": "replicationProtectionContainers", "name": "c"}],
            },
            {"type": "Microsoft.RecoveryServices/vaults/backupPolicies", "name": "v/p"},
        ],
    }
    resources = by_name(resolve(template([vault]), SCOPE))
    assert resources["v/f/c"]["type"] == (
        "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers"
    )
    assert resources["v/f/c"]["id"].endswith(
        "/vaults/v/replicationFabrics/f/replicationProtectionContainers/c"
    )
    assert resources["v/p"]["id"].endswith("/vaults/v/backupPolicies/p")


# --- copy loops -------------------------------------------------------------------------------


def test_copy_index_without_a_name_in_a_property_loop_is_the_resource_loop() -> None:
    """d9: the dataDisks loop's unnamed copyIndex() is the VM loop's index, as ARM documents."""
    value = json.loads((FIELD / "d9-nested-copyindex.json").read_text())
    resources = by_name(resolve(value, SCOPE))
    disks = {
        vm: [
            d["managedDisk"]["id"].rsplit("/", 1)[1]
            for d in resources[vm]["properties"]["storageProfile"]["dataDisks"]
        ]
        for vm in ("vm-0", "vm-1")
    }
    assert disks == {"vm-0": ["disk-1", "disk-2"], "vm-1": ["disk-3", "disk-4"]}


def test_copy_keyword_in_any_case_and_variable_loops() -> None:
    value = template(
        [
            disk(
                "d1",
                properties={
                    "Copy": [
                        {
                            "name": "items",
                            "count": 2,
                            "input": "[variables('names')[copyIndex('items')]]",
                        }
                    ]
                },
            )
        ],
        variables={
            "copy": [{"name": "names", "count": 2, "input": "[concat('n', copyIndex('names'))]"}]
        },
    )
    assert resolve(value)["resources"][0]["properties"] == {"items": ["n0", "n1"]}


def test_nullable_parameter_is_null() -> None:
    """d13: a languageVersion 2.0 nullable parameter without a value is null."""
    value = json.loads((FIELD / "d13-nullable-param.json").read_text())
    resolved = resolve(value, SCOPE)
    assert resolved["asr_guard"]["unresolved"] == []
    assert resolved["resources"][0]["properties"]["storageProfile"]["dataDisks"] == []


def test_parameters_are_converted_to_their_declared_type() -> None:
    value = template(
        [disk("[concat('d', copyIndex())]", copy={"name": "d", "count": "[parameters('n')]"})],
        parameters={"n": {"type": "int", "defaultValue": "2"}},
    )
    assert [r["name"] for r in resolve(value)["resources"]] == ["d0", "d1"]


def test_user_defined_functions() -> None:
    value = template(
        [disk("[__bicep.diskName('app', 3)]")],
        functions=[
            {
                "namespace": "__bicep",
                "members": {
                    "diskName": {
                        "parameters": [
                            {"name": "app", "type": "string"},
                            {"name": "n", "type": "int"},
                        ],
                        "output": {
                            "type": "string",
                            "value": "[format('{0}-disk-{1}', parameters('app'), parameters('n'))]",
                        },
                    }
                },
            }
        ],
    )
    assert resolve(value)["resources"][0]["name"] == "app-disk-3"


# --- parameters files -----------------------------------------------------------------------


def parameters_file(path: Path, values: dict[str, Any], **extra: Any) -> Path:
    path.write_text(
        json.dumps(
            {
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                "contentVersion": "1.0.0.0",
                **extra,
                "parameters": {k: {"value": v} for k, v in values.items()},
            }
        )
    )
    return path


def named_disk_template(path: Path) -> Path:
    path.write_text(
        json.dumps(
            template([disk("[parameters('name')]")], parameters={"name": {"type": "string"}})
        )
    )
    return path


def names_of(path: Path, *parameters: str) -> list[str]:
    context = kinds.run_context(parameters=list(parameters) or None)
    document = inputs.load_input(Candidate(str(path)), context=context)
    assert document is not None
    return [r["name"] for r in document.value["resources"]]


def test_parameters_beside_the_template_pair_automatically(tmp_path: Path) -> None:
    main_template = named_disk_template(tmp_path / "main.json")
    assert names_of(main_template) == ["<unresolved: parameter 'name' has no value>"]
    parameters_file(tmp_path / "main.parameters.json", {"name": "from-beside"})
    assert names_of(main_template) == ["from-beside"]
    # Given ones win: for every template, or for this one.
    other = parameters_file(tmp_path / "other.json.params", {"name": "given"})
    assert names_of(main_template, str(other)) == ["given"]
    assert names_of(main_template, f"{main_template}={other}") == ["given"]


def test_parameters_file_naming_its_template(tmp_path: Path) -> None:
    main_template = named_disk_template(tmp_path / "storage.template.json")
    parameters_file(
        tmp_path / "dev.json",
        {"name": "dev-disk"},
        metadata={"template": "./storage.template.json"},
    )
    parameters_file(
        tmp_path / "prod.json",
        {"name": "prod-disk"},
        metadata={"template": "storage.template.json"},
    )
    assert len(paired_parameters(str(main_template))) == 2
    document = inputs.load_input(Candidate(str(main_template)))
    assert document is not None
    # Read once with each: both deployments are checked.
    assert sorted(r["name"] for r in document.value["resources"]) == ["dev-disk", "prod-disk"]
    assert {Path(r["asr_guard_parameters_file"]).name for r in document.value["resources"]} == {
        "dev.json",
        "prod.json",
    }
    validate(document.value, "resolved-template.schema.json")


def test_parameters_per_template_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = named_disk_template(tmp_path / "a.json")
    second = named_disk_template(tmp_path / "b.json")
    pa = parameters_file(tmp_path / "pa.json", {"name": "disk-a"})
    pb = parameters_file(tmp_path / "pb.json", {"name": "disk-b"})
    assert (
        main(
            [
                "resolve",
                str(first),
                "--parameters",
                f"{first}={pa}",
                "--parameters",
                f"{second}={pb}",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["resources"][0]["name"] == "disk-a"
    assert (
        main(
            [
                "resolve",
                str(second),
                "--parameters",
                f"{first}={pa}",
                "--parameters",
                f"{second}={pb}",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["resources"][0]["name"] == "disk-b"
    assert main(["resolve", str(first), "--parameters", str(pa), "--parameters", str(pb)]) == 2
    assert "given twice" in capsys.readouterr().err


# --- template JSON as Azure accepts it ---------------------------------------------------------


def test_comments_trailing_commas_and_multi_line_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """d8, and the shapes 22 of Azure's quickstart templates use."""
    path = tmp_path / "t.json"
    path.write_text(
        "{\n"
        f'  "$schema": "{SCHEMA}", // the schema\n'
        '  "contentVersion": "1.0.0.0",\n'
        "  /* a block\n     comment */\n"
        '  "resources": [\n'
        '    {"type": "Microsoft.Compute/disks", "apiVersion": "2024-03-02", "name": "[concat(\'a\',\n'
        "       'b')]\", // a multi-line expression\n"
        '     "properties": {"creationData": {"createOption": "Restore",},},},\n'
        "  ],\n"
        "}\n"
    )
    assert main(["resolve", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["resources"][0]["name"] == "ab"
    assert main(["check", str(FIELD / "d8-comments.json")]) == 0
    capsys.readouterr()


def test_strict_json_errors_are_still_reported_with_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "a": 1,\n  "b": // not a template\n}\n')
    assert main(["check", str(path)]) == 2
    assert f"{path}:3: invalid JSON" in capsys.readouterr().err


def test_findings_in_a_commented_template_point_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = json.loads((ROOT / "examples" / "arm" / "attach-restored-disk.json").read_text())
    text = json.dumps(value, indent=2).replace(
        '"resources": [', '"resources": [ // the resources\n  /* { "type": "x" } */'
    )
    path = tmp_path / "commented.json"
    path.write_text(text.replace("\n  ]\n}", ",\n  ]\n}"))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(value, indent=2))
    args = [
        "--parameters",
        str(ROOT / "examples" / "arm" / "attach-restored-disk.parameters.json"),
        "--format",
        "json",
    ]
    scope = [
        "--scope",
        "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu",
    ]
    inventory = ["--inventory", str(ROOT / "examples" / "inventory" / "replicated-vms.yaml")]
    assert main(["check", str(path), *args, *scope, *inventory]) == 1
    commented = json.loads(capsys.readouterr().out)
    assert main(["check", str(plain), *args, *scope, *inventory]) == 1
    reference = json.loads(capsys.readouterr().out)
    lines = [f["location"]["line"] for f in commented["findings"]]
    # The comment adds one line before every resource.
    assert lines == [f["location"]["line"] + 1 for f in reference["findings"]]


# --- ARM's limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resources", "variables", "message", "pointer"),
    [
        (
            [disk("[concat('d', copyIndex())]", copy={"name": "c", "count": 801})],
            {},
            "copy count 801",
            "/resources/0/copy/count",
        ),
        (
            [disk("[concat('d', copyIndex())]", copy={"name": "c", "count": -1})],
            {},
            "copy count -1",
            "/resources/0/copy/count",
        ),
        (
            [disk(properties={"copy": [{"name": "p", "count": 801, "input": 1}]})],
            {},
            "copy count 801",
            "/resources/0/properties/copy/0/count",
        ),
        (
            [disk(properties={"n": "[length(range(0, 10001))]"})],
            {},
            "range(0, 10001)",
            "/resources/0/properties/n",
        ),
        (
            [disk(properties={"n": "[padLeft('x', 5000000, 'y')]"})],
            {},
            "padLeft()",
            "/resources/0/properties/n",
        ),
        (
            [disk(properties={"n": "[" + "concat('x'," * 129 + "'y'" + ")" * 129 + "]"})],
            {},
            "nested more than 128",
            "/resources/0/properties/n",
        ),
        (
            [disk(properties={"n": "[concat('" + "x" * 24576 + "')]"})],
            {},
            "24576",
            "/resources/0/properties/n",
        ),
        (
            [disk(properties={"n": "[variables('v22')]"})],
            {"v0": "x" * 1024},
            "4 MB",
            "/variables/v13",
        ),
        (
            [disk(properties={"x": "[variables('big')]"})],
            {"copy": [{"name": "big", "count": 900, "input": 1}]},
            "copy count 900",
            "/variables/big",
        ),
    ],
    ids=[
        "copy-801",
        "copy-negative",
        "property-copy-801",
        "range",
        "padleft",
        "depth",
        "expression-length",
        "string-growth",
        "variable-copy-900",
    ],
)
def test_limits(resources: Any, variables: dict[str, Any], message: str, pointer: str) -> None:
    if "v0" in variables:  # each variable twice the one before
        for i in range(1, 23):
            variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
    with pytest.raises(LimitError) as error:
        resolve_template(template(resources, variables=variables))
    assert message in error.value.message
    assert error.value.pointer.startswith(pointer), error.value.pointer


def test_total_resources_are_bounded() -> None:
    inner = template([disk("[concat('d', copyIndex())]", copy={"name": "d", "count": 800})])
    value = template(
        [deployment("[concat('m', copyIndex())]", inner, copy={"name": "m", "count": 800})]
    )
    with pytest.raises(LimitError, match="more than 50000 resources"):
        resolve_template(value)


DOS = sorted((REDTEAM / "dos").glob("arm-*.json"))


@pytest.mark.parametrize("path", DOS, ids=lambda p: p.name)
def test_hostile_templates_end_fast_with_one_line(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    # Refused (exit 2, one line naming the file), or decided where the template is legal.
    assert code in (0, 2)
    if code == 2:
        assert err.count("\n") == 1 and str(path) in err
        assert "internal error" not in err
    else:
        assert path.name in ("arm-bigint-literal.json", "arm-variable-self.json")


def test_the_hostile_cases_are_there() -> None:
    assert len(DOS) >= 9, f"the red-team inputs are not at {REDTEAM}"


def test_a_four_megabyte_expression_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.json"
    expression = "[concat(" + "'a'," * 1_000_000 + "'a')]"
    path.write_text(json.dumps(template([disk(properties={"osType": expression})])))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{path}: refused: expression of {len(expression)} characters, over ARM's limit of 24576"
        in err
    )
    assert "/resources/0/properties/osType" in err


def test_deep_variable_chains_within_arms_limit_resolve() -> None:
    variables = {"v0": "x"} | {f"v{i}": f"[variables('v{i - 1}')]" for i in range(1, 256)}
    resolved = resolve(
        template([disk(properties={"n": "[variables('v255')]"})], variables=variables)
    )
    assert resolved["resources"][0]["properties"]["n"] == "x"


# --- every fixture and corpus template holds to the schema ----------------------------------


def is_template_file(path: Path) -> bool:
    return bool(is_template(loads_lenient(path.read_text(encoding="utf-8-sig"))))


TEMPLATES = sorted(
    path
    for path in [
        *(FIXTURES / "arm").glob("*.json"),
        *(ROOT / "examples" / "arm").glob("*.json"),
        *(CORPUS / "arm").glob("*.json"),
        *FIELD.glob("d*.json"),
        *(REDTEAM / "arm").glob("*.json"),
    ]
    if is_template_file(path)
)


def test_the_templates_are_there() -> None:
    assert len(TEMPLATES) >= 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_resolved_templates_hold_to_the_schema(path: Path) -> None:
    document = inputs.load_input(Candidate(str(path)))
    assert document is not None and document.kind == kinds.arm_template.NAME
    validate(document.value, "resolved-template.schema.json")
