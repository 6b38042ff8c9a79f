"""Terraform patches: the edit of the replicated item's block a strategy's patch step names,
as an HCL fragment always, and as a file patch when the block is found in the .tf files
(--tf-dir, validator.tfsource). The patched file must parse (python-hcl2) or no patch is given.
Sources: ../shared/remediation.md sections 1.1-1.5 (references order the item's removal before
the change, T3-T5; replace_triggered_by on an id attribute, never the whole VM, T1; the
managed_disk set is the protected set, so every block is kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.remediation import quoting

if TYPE_CHECKING:
    import difflib

    from validator import tfsource
    from validator.tfsource import TerraformSource
else:
    difflib = lazy.module("difflib")
    tfsource = lazy.module("validator.tfsource")

# The attribute of a changed resource that is the disk's id, by resource type.
_DISK_ID_ATTRIBUTE = {
    "azurerm_virtual_machine_data_disk_attachment": "managed_disk_id",
    "azurerm_virtual_machine_implicit_data_disk_from_source": "id",
    "azurerm_managed_disk": "id",
}
# The attribute of a VM that is its OS disk's id, by resource type.
_OS_DISK_ATTRIBUTE = {
    "azurerm_linux_virtual_machine": "os_managed_disk_id",
    "azurerm_windows_virtual_machine": "os_managed_disk_id",
    "azurerm_virtual_machine": "storage_os_disk[0].managed_disk_id",
}
_DISK_SETTINGS = (
    "staging_storage_account_id",
    "target_resource_group_id",
    "target_disk_type",
    "target_replica_disk_type",
    "target_disk_encryption_set_id",
)
_MODULE_PREFIX = re.compile(r"^((?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*)")


@dataclass(frozen=True)
class Patch:
    op: str
    fragment: str  # what to change, as HCL with comments: always
    file: str | None = None  # the .tf file patched, when the item's block was found
    diff: str | None = None  # a unified diff of that file
    start_line: int = 0  # the lines of the file the patch replaces (1-based, inclusive)
    end_line: int = 0
    replacement: str = ""  # what replaces them
    note: str = ""  # why there is no file patch


def _module(address: str) -> str:
    match = _MODULE_PREFIX.match(address)
    return match.group(1) if match else ""


def _relative(item: str, target: str) -> str | None:
    """A reference to `target` from the module of `item`, or None across modules."""
    prefix = _module(item)
    if _module(target) != prefix:
        return None
    return target[len(prefix) :]


def _settings_lines(disks: list[dict[str, Any]]) -> list[str]:
    model = disks[0] if disks else {}
    lines = []
    for key in _DISK_SETTINGS:
        value = model.get(key)
        if isinstance(value, str) and value:
            lines.append(f"    {key:<26} = {quoting.hcl_string(value)}")
    return lines


def fragment_and_edit(op: str, remediation: dict[str, Any]) -> tuple[str, Any]:
    """The HCL fragment of a patch op, and the edit it makes to the item's block lines (a
    function of the block's lines, or None when it cannot be made to a file)."""
    params = remediation["params"]
    item = params["item"] or {}
    address = quoting.tf_address(item.get("address"), "the replicated item")
    resource = quoting.tf_address(params["resource"], "the changed resource")
    rule = remediation["id"].split("/")[0]
    if op == "item_add_disk":
        types = [t for t in params.get("resource_types", []) if t in _DISK_ID_ATTRIBUTE]
        reference = _relative(address, resource)
        attribute = _DISK_ID_ATTRIBUTE[types[0]] if types else "id"
        target = (
            f"{reference}.{attribute}"
            if reference
            else f"<{resource}.{attribute}, through a module output>"
        )
        block = [
            f"  # asr-guard {rule}: protect the disk {resource} (every other managed_disk "
            "block kept);",
            "  # the reference also orders: remove item -> change -> create item, in one apply",
            "  managed_disk {",
            f"    {'disk_id':<26} = {target}",
            *_settings_lines(item.get("managed_disks", [])),
            "  }",
        ]
        text = "\n".join(block)
        return (
            f"# in {address}:\n{text}",
            (lambda lines: _insert_before_end(lines, block)) if reference else None,
        )
    if op == "item_follow_vm":
        reference = _relative(address, resource)
        types = [t for t in params.get("resource_types", []) if t in _OS_DISK_ATTRIBUTE]
        os_attribute = _OS_DISK_ATTRIBUTE[types[0]] if types else "os_managed_disk_id"
        vm = reference or f"<{resource}, through a module output>"
        os_ids = {i.lower() for i in params.get("vm_os_disk_ids", [])}
        text = "\n".join(
            [
                f"# in {address}:",
                f"  source_vm_id = {vm}.id",
                f"  # the OS disk's managed_disk: disk_id = {vm}.{os_attribute}",
                f"  # asr-guard {rule}: replace the item whenever the VM's id changes (not on "
                "every VM update)",
                "  lifecycle {",
                f"    replace_triggered_by = [{vm}.id]",
                "  }",
            ]
        )
        if not reference:
            return text, None
        return text, lambda lines: _follow_vm(lines, vm, os_attribute, os_ids, rule)
    if op == "item_drop_disk":
        removed = {i.lower() for i in params.get("removed_disk_ids", [])}
        text = f"# in {address}: remove the managed_disk block of " + ", ".join(sorted(removed))
        return text, (lambda lines: _drop_disks(lines, removed)) if removed else None
    if op == "item_remove":
        return (
            f"# delete the resource block {address} (a clean disable when applied)",
            lambda lines: [],
        )
    if op == "item_no_create_before_destroy":
        return (
            f"# in {address}: remove create_before_destroy = true from its lifecycle block",
            _no_cbd,
        )
    raise quoting.UnsafeValue(f"unknown patch op {op!r}")


def _insert_before_end(lines: list[str], block: list[str]) -> list[str]:
    return [*lines[:-1], *block, lines[-1]]


def _follow_vm(
    lines: list[str], vm: str, os_attribute: str, os_ids: set[str], rule: str
) -> list[str]:
    out = []
    for line in lines:
        source = re.match(r"^(\s*source_vm_id\s*=\s*)", line)
        if source:
            line = f"{source.group(1)}{vm}.id"
        match = re.match(r'^(\s*disk_id\s*=\s*)"([^"]*)"\s*$', line)
        if match and match.group(2).lower() in os_ids:
            line = f"{match.group(1)}{vm}.{os_attribute}"
        out.append(line)
    lifecycle = [i for i, line in enumerate(out) if re.match(r"^\s*lifecycle\s*\{\s*$", line)]
    trigger = f"    replace_triggered_by = [{vm}.id]"
    if lifecycle:
        return [*out[: lifecycle[0] + 1], trigger, *out[lifecycle[0] + 1 :]]
    block = [
        f"  # asr-guard {rule}: replace the item whenever the VM's id changes (not on every VM "
        "update)",
        "  lifecycle {",
        trigger,
        "  }",
    ]
    return _insert_before_end(out, block)


def _drop_disks(lines: list[str], removed: set[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if re.match(r"^\s*managed_disk\s*\{\s*$", lines[i]):
            depth, j = 0, i
            while j < len(lines):
                depth += lines[j].count("{") - lines[j].count("}")
                if depth == 0:
                    break
                j += 1
            block = "\n".join(lines[i : j + 1]).lower()
            if any(f'"{disk}"' in block for disk in removed):
                i = j + 1
                continue
        out.append(lines[i])
        i += 1
    return out


def _no_cbd(lines: list[str]) -> list[str]:
    return [
        line for line in lines if not re.match(r"^\s*create_before_destroy\s*=\s*true\s*$", line)
    ]


def _display_path(file: str) -> str:
    """The file as a patch names it: relative to the working directory where it is under it
    (git apply -p1 from there), else as given."""
    path = Path(file).resolve()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(file).as_posix().lstrip("/")


def patch(op: str, remediation: dict[str, Any], source: TerraformSource | None) -> Patch:
    """The patch of one op: the fragment, and the file patch where the block is found, the
    edit applies and the patched file parses."""
    fragment, edit = fragment_and_edit(op, remediation)
    address = remediation["params"]["item"]["address"]
    if edit is None:
        return Patch(
            op,
            fragment,
            note="the changed resource is in another module: reference it through a module output",
        )
    where = source.locate(address) if source else None
    if where is None:
        return Patch(
            op, fragment, note="the item's block was not found in the .tf files (give --tf-dir)"
        )
    text = Path(where.file).read_text(encoding="utf-8")
    lines = text.split("\n")
    block = lines[where.line - 1 : where.end_line]
    new_block = edit(block)
    new_lines = [*lines[: where.line - 1], *new_block, *lines[where.end_line :]]
    new_text = "\n".join(new_lines)
    if new_block == block:
        return Patch(op, fragment, note=f"{where.file}: nothing in the item's block to change")
    problem = tfsource.parse_error(new_text)
    if problem is not None:
        return Patch(op, fragment, note=f"{where.file}: the patched file does not parse: {problem}")
    name = _display_path(where.file)
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
    return Patch(
        op,
        fragment,
        file=where.file,
        diff=diff,
        start_line=where.line,
        end_line=where.end_line,
        replacement="\n".join(new_block) + ("\n" if new_block else ""),
    )
