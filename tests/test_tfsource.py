"""Plan findings at their .tf resource blocks: local and installed modules, bounded walks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES
from validator.tfsource import MAX_MODULES, read_terraform_source

DISKS = FIXTURES / "tfconfig" / "modules" / "data_disks"
ADDRESS = "module.data_disks.azurerm_virtual_machine_data_disk_attachment.restored[0]"


def test_a_local_module_is_followed() -> None:
    block = read_terraform_source(FIXTURES / "tfconfig").locate(ADDRESS)
    assert block is not None
    assert (Path(block.file), block.line) == (DISKS / "main.tf", 30)


def test_a_module_installed_by_terraform_init_is_followed(tmp_path: Path) -> None:
    """A registry module is found where terraform init put it (.terraform/modules)."""
    (tmp_path / "main.tf").write_text(
        'module "data_disks" {\n  source  = "app.terraform.io/contoso/disks/azurerm"\n'
        '  version = "1.2.0"\n}\n'
    )
    installed = tmp_path / ".terraform" / "modules" / "data_disks"
    shutil.copytree(DISKS, installed)
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {
                "Key": "data_disks",
                "Source": "app.terraform.io/contoso/disks/azurerm",
                "Version": "1.2.0",
                "Dir": ".terraform/modules/data_disks",
            },
        ]
    }
    (tmp_path / ".terraform" / "modules" / "modules.json").write_text(json.dumps(manifest))
    block = read_terraform_source(tmp_path).locate(ADDRESS)
    assert block is not None
    assert (Path(block.file), block.line) == (installed / "main.tf", 30)


def test_a_remote_module_not_installed_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "x" {\n  source = "Azure/avm-res-compute/azurerm"\n}\n'
    )
    source = read_terraform_source(tmp_path)
    assert source.blocks == {}
    assert any("is not installed here (run terraform init)" in note for note in source.notes)


def test_a_module_calling_its_own_directory_ends_at_once() -> None:
    """Four calls back into the same directory (field red team, dos/tf-module-fanout)."""
    source = read_terraform_source(FIXTURES / "reports" / "tf-module-fanout")  # was 4^10 scans
    assert set(source.blocks) == {"azurerm_managed_disk.restored"}
    assert sum("on its own call chain" in note for note in source.notes) == 4


def test_a_fan_out_over_distinct_directories_is_bounded(tmp_path: Path) -> None:
    """Ten directories each calling the next four times: 4^10 module instances."""
    for level in range(10):
        directory = tmp_path / f"m{level}"
        directory.mkdir()
        calls = "".join(f'module "c{i}" {{\n  source = "../m{level + 1}"\n}}\n' for i in range(4))
        (directory / "main.tf").write_text(
            f'resource "azurerm_managed_disk" "d{level}" {{\n  name = "d"\n}}\n'
            + (calls if level < 9 else "")
        )
    source = read_terraform_source(tmp_path / "m0")
    assert f"more than {MAX_MODULES} module calls: not followed" in source.notes
    assert "azurerm_managed_disk.d0" in source.blocks
    assert "module.c0.module.c0.azurerm_managed_disk.d2" in source.blocks
