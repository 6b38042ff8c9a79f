"""ARM property names are read without regard to case (validator.arm_names)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from validator.arm import resolve_template
from validator.arm_names import NAMES, NameTwinError, canonical_names
from validator.cli import main

AZURE_REGO = ROOT / "policies" / "asr_guard" / "azure" / "azure.rego"
# Names in azure.rego that are the change view's own, or values, not ARM property names.
VIEW_WORDS = {"azureservices", "cache", "create", "delete", "disk", "disks", "extension", "ids",
              "item", "keys", "nic", "nics", "resourcegroups", "unresolved", "vm"}  # fmt: skip
VM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-app-01"


def test_every_name_the_change_view_reads_is_known() -> None:
    """The ARM names azure.rego reads (in object.get paths and keys) are all in NAMES."""
    code = "\n".join(
        line for line in AZURE_REGO.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    read = set(re.findall(r'"([A-Za-z]+)"', code)) - VIEW_WORDS
    assert read <= set(NAMES), sorted(read - set(NAMES))


def test_names_take_their_rest_spelling() -> None:
    value = {"Properties": {"StorageProfile": {"DATADISKS": [{"Lun": 0, "Tags": {"Owner": "x"}}]}}}
    assert canonical_names(value) == {
        "properties": {"storageProfile": {"dataDisks": [{"lun": 0, "Tags": {"Owner": "x"}}]}}
    }


def test_nothing_to_rename_keeps_the_same_object() -> None:
    value = {"properties": {"storageProfile": {"dataDisks": [{"lun": 0}]}}, "Other": [1]}
    assert canonical_names(value) is value


def test_two_names_that_are_one_are_refused() -> None:
    with pytest.raises(NameTwinError, match=r"at /a/0: keys 'dataDisks' and 'DataDisks'"):
        canonical_names({"a": [{"dataDisks": [], "DataDisks": []}]})
    # Names the policies do not read may differ in case: ARM's business, not the gate's.
    canonical_names({"Foo": 1, "foo": 2})


def _template(storage_profile_key: str, data_disks_key: str) -> dict[str, Any]:
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {
                "type": "Microsoft.Compute/virtualMachines",
                "apiVersion": "2023-09-01",
                "name": "vm-app-01",
                "properties": {
                    storage_profile_key: {
                        data_disks_key: [
                            {
                                "lun": 0,
                                "createOption": "Attach",
                                "managedDisk": {
                                    "id": "[resourceId('Microsoft.Compute/disks', 'd')]"
                                },
                            }
                        ]
                    }
                },
            }
        ],
    }


def test_a_template_is_read_whatever_the_case_of_its_names() -> None:
    (vm,) = resolve_template(_template("StorageProfile", "DataDisks"))["resources"]
    assert vm["properties"]["storageProfile"]["dataDisks"][0]["lun"] == 0


def test_a_template_with_twin_names_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = _template("storageProfile", "dataDisks")
    template["resources"][0]["properties"]["storageProfile"]["DataDisks"] = []
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "at /resources/0/properties/storageProfile: keys 'dataDisks' and 'DataDisks'" in err


def test_a_whatif_payload_is_read_whatever_the_case_of_its_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {
        "id": VM,
        "Properties": {"StorageProfile": {"OsDisk": {"ManagedDisk": {"Id": VM + "-os"}}}},
    }
    swapped = json.loads(json.dumps(body).replace("-os", "-os2"))
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(f"replicated_vms: [{VM}]\n")
    result = {
        "status": "Succeeded",
        "changes": [{"resourceId": VM, "changeType": "Modify", "before": body, "after": swapped}],
    }
    path = tmp_path / "w.json"
    path.write_text(json.dumps(result))
    assert main(["check", str(path), "--inventory", str(inventory), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in report["findings"]] == ["ASR006"]
    result["changes"][0]["after"]["properties"] = {}
    path.write_text(json.dumps(result))
    assert main(["check", str(path)]) == 2
    assert "keys 'Properties' and 'properties'" in capsys.readouterr().err
