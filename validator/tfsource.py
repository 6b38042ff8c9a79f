"""Where a Terraform resource address is declared: the `resource` block in the .tf files.

Parsed with python-hcl2: block lines from its parse tree, module sources from its
document. Local module calls (`source = "./modules/x"`) are followed, so
`module.web[0].azurerm_linux_virtual_machine.app[1]` finds the block in ./modules/web.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree

_MAX_MODULE_DEPTH = 10
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class BlockLocation:
    file: str
    line: int
    end_line: int


@dataclass
class TerraformSource:
    """resource config address -> where its block is; notes for what could not be read."""

    blocks: dict[str, BlockLocation] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def locate(self, address: str) -> BlockLocation | None:
        return self.blocks.get(_INSTANCE_KEY.sub("", address))


def _text(node: Any) -> str:
    if isinstance(node, Token):
        return str(node)
    if isinstance(node, Tree):
        return "".join(_text(child) for child in node.children)
    return ""


def _label(node: Any) -> str:
    return _text(node).strip('"')


def _blocks(tree: Tree[Token]) -> list[tuple[str, list[str], int, int]]:
    """Blocks as (type, labels, first line, last line)."""
    found = []
    for node in tree.iter_subtrees_topdown():  # type: ignore[no-untyped-call]  # lark is untyped here
        if node.data != "block":
            continue
        kind, *rest = node.children
        labels = [
            _label(child)
            for child in rest
            if isinstance(child, Tree) and child.data in ("string", "identifier")
        ]
        found.append((_text(kind), labels, node.meta.line, node.meta.end_line))
    return found


def _module_sources(document: dict[str, Any]) -> dict[str, str]:
    sources = {}
    for entry in document.get("module", []):
        for name, body in entry.items():
            source = body.get("source") if isinstance(body, dict) else None
            if isinstance(source, str):
                sources[name.strip('"')] = source.strip('"')
    return sources


def _scan(directory: Path, prefix: str, source: TerraformSource, depth: int) -> None:
    for path in sorted(directory.glob("*.tf")):
        try:
            text = path.read_text(encoding="utf-8")
            tree = hcl2.parses_to_tree(text)
            document = hcl2.loads(text)
        except Exception as exc:  # python-hcl2 raises lark and its own errors alike
            source.notes.append(f"{path}: cannot parse: {str(exc).splitlines()[0][:120]}")
            continue
        for kind, labels, line, end_line in _blocks(tree):
            if kind == "resource" and len(labels) == 2:
                address = f"{prefix}{labels[0]}.{labels[1]}"
                source.blocks.setdefault(address, BlockLocation(str(path), line, end_line))
        for name, module_source in _module_sources(document).items():
            if not module_source.startswith(("./", "../")):
                continue  # a registry or remote module: not on this disk
            if depth >= _MAX_MODULE_DEPTH:
                source.notes.append(f"{path}: modules nested deeper than {_MAX_MODULE_DEPTH}")
                continue
            module_dir = Path(os.path.normpath(directory / module_source))
            _scan(module_dir, f"{prefix}module.{name}.", source, depth + 1)


def read_terraform_source(directory: Path) -> TerraformSource:
    source = TerraformSource()
    if not any(directory.glob("*.tf")):
        source.notes.append(f"{directory}: no .tf files")
        return source
    _scan(directory, "", source, 0)
    return source
