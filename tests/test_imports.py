"""The package's imports: no cycle, none inside a function, and a pre-commit run that loads
none of the deferred modules (validator/lazy.py says which and why)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from validator import lazy

PACKAGE = ROOT / "validator"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def trees() -> Iterator[tuple[str, ast.Module]]:
    for name, path in MODULES.items():
        yield name, ast.parse(path.read_text(encoding="utf-8"), str(path))


def deferred_names(tree: ast.Module) -> Iterator[tuple[ast.Call, str | None]]:
    """Each lazy.module(...) call and the module it names (None: not a string literal)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "module"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "lazy"
        ):
            argument = node.args[0] if node.args else None
            literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            yield node, argument.value if literal else None  # type: ignore[union-attr]


def imported(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The validator modules an import statement names (a package's own names: its
    __init__; a submodule named in `from package import submodule`: that submodule)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name.startswith("validator"))
        return
    assert node.level == 0, f"{module}: relative import"
    base = node.module or ""
    if not base.startswith("validator"):
        return
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in MODULES else base


def graph() -> dict[str, set[str]]:
    """module -> the modules it imports, at its top or through validator.lazy."""
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, tree in trees():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges[name].update(imported(name, node))
        edges[name].update(
            target for _, target in deferred_names(tree) if target and target in MODULES
        )
    return edges


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, str] = {}  # "open" while its imports are followed, then "done"
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = "open"
        path.append(name)
        for target in sorted(edges[name]):
            assert state.get(target) != "open", "import cycle: " + " -> ".join(
                [*path[path.index(target) :], target]
            )
            if target not in state:
                visit(target)
        path.pop()
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name)


def test_the_graph_sees_imports() -> None:
    """Not vacuous: the edges it follows are there."""
    edges = graph()
    assert "validator.kinds.terraform_plan" in edges["validator.kinds"]
    assert "validator.tfsource" in edges["validator.kinds.terraform_plan"]  # through lazy
    assert "validator.engines.base" in edges["validator.engines.opa_server"]


def functions(tree: ast.Module) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            yield node


def test_imports_are_at_the_top_of_their_module() -> None:
    """No import inside a function or class, no importlib outside validator.lazy."""
    found = []
    for name, tree in trees():
        for scope in functions(tree):
            for node in ast.walk(scope):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.append(f"{name}:{node.lineno}: import inside a function or class")
        if name == "validator.lazy":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in ("importlib", "__import__"):
                found.append(f"{name}:{node.lineno}: {node.id} outside validator.lazy")
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                alias.name.startswith("importlib") for alias in node.names
            ):
                found.append(f"{name}:{node.lineno}: importlib outside validator.lazy")
    assert found == []


def test_deferred_modules_are_named_at_the_top_and_listed() -> None:
    for name, tree in trees():
        in_functions = {id(call) for scope in functions(tree) for call in ast.walk(scope)}
        for call, target in deferred_names(tree):
            assert id(call) not in in_functions, f"{name}:{call.lineno}: lazy.module in a function"
            assert target in lazy.DEFERRED, f"{name}:{call.lineno}: {target} not in DEFERRED"
    with pytest.raises(ValueError, match="not a deferred module"):
        lazy.module("validator.check")


# The pre-commit case: one small JSON input, the default report.
PRE_COMMIT = """
import sys, types
from validator.cli import main
code = main(["check", sys.argv[1]])
heavy = {"yaml", "hcl2", "lark", "multiprocessing", "concurrent.futures", "urllib3",
         "requests", *sys.argv[2:]}
print(code, sorted(name for name in heavy if name in sys.modules))
"""


def test_the_pre_commit_case_loads_no_deferred_module() -> None:
    example = ROOT / "examples" / "restore" / "vm-restore-in-place.json"
    # Its report, and jsonschema-rs (deferred past a large input's read-ahead), it loads.
    needed = {"validator.report.text", "jsonschema_rs"}
    deferred = [name for name in lazy.DEFERRED if name not in needed]
    done = subprocess.run(
        [sys.executable, "-c", PRE_COMMIT, str(example), *deferred],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr


def test_a_deferred_module_loads_when_used() -> None:
    stand_in = lazy.module("validator.report.markdown")
    assert stand_in.LABELS["deny"] == "**deny**"
    assert "validator.report.markdown" in sys.modules
