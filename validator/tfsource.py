"""Where a Terraform resource address is declared: the `resource` block in the .tf files.

Parsed with python-hcl2: block lines from its parse tree, module sources from its
document. Module calls are followed, so `module.web[0].azurerm_linux_virtual_machine.app[1]`
finds the block in ./modules/web: where `terraform init` installed a module (its manifest,
`.terraform/modules/modules.json`: a record per module path, `Key` "web" or "web.disks",
with the `Dir` it is in, relative to the root module; Terraform's internal/modsdir), that
directory, registry and remote modules included; else a local `source` ("./", "../").

Each directory is parsed once, however many calls lead to it; a call back into a directory
on its own call chain (which Terraform refuses) is not followed, and at most MAX_MODULES
module calls are followed in all: a configuration cannot make the walk fan out.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree

_MAX_MODULE_DEPTH = 10
MAX_MODULES = 1000  # module calls followed in one configuration
MANIFEST = Path(".terraform") / "modules" / "modules.json"
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


@dataclass(frozen=True)
class _Parsed:
    """One directory's .tf files: resource blocks (name, where) and module calls."""

    resources: list[tuple[str, BlockLocation]]
    modules: dict[str, str]  # call name -> source
    notes: list[str]


def _parse(directory: Path) -> _Parsed:
    resources: list[tuple[str, BlockLocation]] = []
    modules: dict[str, str] = {}
    notes: list[str] = []
    for path in sorted(directory.glob("*.tf")):
        try:
            text = path.read_text(encoding="utf-8")
            tree = hcl2.parses_to_tree(text)
            document = hcl2.loads(text)
        except Exception as exc:  # python-hcl2 raises lark and its own errors alike
            notes.append(f"{path}: cannot parse: {str(exc).splitlines()[0][:120]}")
            continue
        for kind, labels, line, end_line in _blocks(tree):
            if kind == "resource" and len(labels) == 2:
                resources.append(
                    (f"{labels[0]}.{labels[1]}", BlockLocation(str(path), line, end_line))
                )
        for name, module_source in _module_sources(document).items():
            modules.setdefault(name, module_source)
    return _Parsed(resources, modules, notes)


def _manifest(root: Path, source: TerraformSource) -> dict[str, Path]:
    """Module path ("web.disks") -> installed directory, from terraform init's manifest."""
    path = root / MANIFEST
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        source.notes.append(f"{path}: cannot read: {str(exc)[:120]}")
        return {}
    records = document.get("Modules") if isinstance(document, dict) else None
    installed = {}
    for record in records if isinstance(records, list) else []:
        if isinstance(record, dict) and isinstance(record.get("Key"), str):
            directory = record.get("Dir")
            if isinstance(directory, str) and record["Key"]:
                installed[record["Key"]] = Path(os.path.normpath(root / directory))
    return installed


class _Walk:
    def __init__(self, root: Path, source: TerraformSource) -> None:
        self.source = source
        self.parsed: dict[Path, _Parsed] = {}
        self.installed = _manifest(root, source)
        self.followed = 0

    def parse(self, directory: Path) -> _Parsed:
        key = directory.resolve()
        if key not in self.parsed:
            self.parsed[key] = _parse(directory)
            self.source.notes.extend(self.parsed[key].notes)
        return self.parsed[key]

    def scan(self, directory: Path, prefix: str, key: str, chain: tuple[Path, ...]) -> None:
        parsed = self.parse(directory)
        for address, block in parsed.resources:
            self.source.blocks.setdefault(f"{prefix}{address}", block)
        for name, module_source in parsed.modules.items():
            module_key = f"{key}.{name}" if key else name
            where = f"module.{name} in {directory}"
            module_dir = self.installed.get(module_key)
            if module_dir is None:
                if not module_source.startswith(("./", "../")):
                    self.source.notes.append(
                        f"{where}: {module_source} is not installed here (run terraform init)"
                    )
                    continue
                module_dir = Path(os.path.normpath(directory / module_source))
            if module_dir.resolve() in chain:
                self.source.notes.append(f"{where}: calls a module on its own call chain")
                continue
            if len(chain) > _MAX_MODULE_DEPTH:
                self.source.notes.append(f"{where}: modules nested deeper than {_MAX_MODULE_DEPTH}")
                continue
            if self.followed >= MAX_MODULES:
                self.source.notes.append(f"more than {MAX_MODULES} module calls: not followed")
                return
            self.followed += 1
            self.scan(
                module_dir, f"{prefix}module.{name}.", module_key, (*chain, module_dir.resolve())
            )


def parse_error(text: str) -> str | None:
    """Why a .tf text does not parse (its first line), or None when it parses."""
    try:
        hcl2.loads(text)
    except Exception as exc:  # python-hcl2 raises lark and its own errors alike
        return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return None


def read_terraform_source(directory: Path) -> TerraformSource:
    source = TerraformSource()
    if not any(directory.glob("*.tf")):
        source.notes.append(f"{directory}: no .tf files")
        return source
    _Walk(directory, source).scan(directory, "", "", (directory.resolve(),))
    source.notes[:] = list(dict.fromkeys(source.notes))
    return source
