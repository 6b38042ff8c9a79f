"""Source positions of findings: JSON pointers to lines, Terraform addresses to .tf blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import json_source_map
import yaml

if TYPE_CHECKING:
    from validator.tfsource import TerraformSource


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def json_positions(text: str, pointers: set[str]) -> dict[str, tuple[int, int]]:
    """pointer -> (line, column), both from 1, for the pointers that exist in the text."""
    source_map = json_source_map.calculate(text)
    positions = {}
    for pointer in pointers:
        entry = source_map.get(pointer)
        if entry is not None:
            start = entry.key_start or entry.value_start
            positions[pointer] = (start.line + 1, start.column + 1)
    return positions


def _yaml_child(node: Any, part: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == part), None)
    if isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
        return node.value[int(part)]
    return None


def yaml_positions(text: str, pointers: set[str]) -> dict[str, tuple[int, int]]:
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    positions = {}
    for pointer in pointers:
        node = root
        for part in pointer.split("/")[1:] if pointer else []:
            node = _yaml_child(node, _unescape(part))
            if node is None:
                break
        if node is not None:
            positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return positions


def positions(text: str, syntax: str, pointers: set[str]) -> dict[str, tuple[int, int]]:
    if not pointers:
        return {}
    try:
        if syntax == "yaml":
            return yaml_positions(text, pointers)
        return json_positions(text, pointers)
    except Exception:  # positions are a courtesy: a text the map cannot read gives none
        return {}


def terraform_block(source: TerraformSource | None, address: str) -> tuple[str, int] | None:
    if source is None:
        return None
    block = source.locate(address)
    return (block.file, block.line) if block else None
