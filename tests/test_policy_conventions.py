"""The policy pack follows the conventions of policies/README.md that can be checked without
Regal: lines within 120 columns, METADATA on every package and public rule, internal (_)
rules read only inside their package, a test file beside every file of rules, every public rule
named by a test of its package, every scenario tested."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

POLICIES = ROOT / "policies"
MAX_COLUMNS = 120
TAB = 4

# Files another change is rewriting: they join every check once it lands (policies/README.md).
NOT_YET: set[str] = set()

# Keys OPA accepts in a METADATA block (https://www.openpolicyagent.org/docs/policy-language#metadata).
METADATA_KEYS = {
    "scope",
    "title",
    "description",
    "related_resources",
    "authors",
    "organizations",
    "schemas",
    "entrypoint",
    "custom",
}

RULE_HEAD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[|\(|:=|=|if\b|contains\b|\{|$)")
KEYWORDS = {"package", "import", "default"}


def rego_files() -> list[Path]:
    return sorted(
        path
        for path in POLICIES.rglob("*.rego")
        if path.relative_to(POLICIES).as_posix() not in NOT_YET
    )


def rule_files() -> list[Path]:
    return [path for path in rego_files() if not path.name.endswith("_test.rego")]


def name(path: Path) -> str:
    return path.relative_to(POLICIES).as_posix()


def package_of(text: str) -> str:
    match = re.search(r"^package\s+(\S+)", text, re.M)
    assert match, "no package"
    return match.group(1)


def code(line: str) -> str:
    """A line without its comment and string contents (so that '#' or '._' in them is not read)."""
    out = re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`', '""', line)
    return out.split("#", 1)[0]


def metadata_blocks(lines: list[str]) -> dict[int, dict[str, object]]:
    """The METADATA blocks of a file, parsed, by the line number (0-based) that follows them."""
    blocks: dict[int, dict[str, object]] = {}
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == "# METADATA":
            j = i + 1
            while j < len(lines) and lines[j].startswith("#"):
                j += 1
            text = "\n".join(line[1:] for line in lines[i + 1 : j])
            value = yaml.safe_load(text)
            assert isinstance(value, dict), f"line {i + 1}: METADATA is not a mapping"
            blocks[j] = value
            i = j
        else:
            i += 1
    return blocks


def rule_heads(lines: list[str]) -> list[tuple[int, str]]:
    heads = []
    for i, line in enumerate(lines):
        match = RULE_HEAD.match(line)
        if match and match.group(1) not in KEYWORDS:
            heads.append((i, match.group(1)))
    return heads


@pytest.mark.parametrize("path", rego_files(), ids=name)
def test_no_line_over_120_columns(path: Path) -> None:
    long = [
        f"{name(path)}:{number}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line.expandtabs(TAB)) > MAX_COLUMNS
    ]
    assert long == []


@pytest.mark.parametrize("path", rego_files(), ids=name)
def test_metadata_blocks_are_valid(path: Path) -> None:
    blocks = metadata_blocks(path.read_text(encoding="utf-8").splitlines())
    for line, block in blocks.items():
        assert set(block) <= METADATA_KEYS, (
            f"{name(path)}:{line}: {sorted(set(block) - METADATA_KEYS)}"
        )
        related = block.get("related_resources") or []
        assert isinstance(related, list), f"{name(path)}:{line}: related_resources"
        for resource in related:
            ref = resource["ref"] if isinstance(resource, dict) else resource
            assert str(ref).startswith("https://"), f"{name(path)}:{line}: {ref}"


def test_every_package_has_a_title_a_description_and_its_sources() -> None:
    annotated: dict[str, list[dict[str, object]]] = defaultdict(list)
    packages = set()
    for path in rule_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        package_line = next(i for i, line in enumerate(lines) if line.startswith("package "))
        packages.add(package_of("\n".join(lines)))
        block = metadata_blocks(lines).get(package_line)
        if block is not None:
            annotated[package_of("\n".join(lines))].append(block)
    assert sorted(packages - set(annotated)) == []
    for package, blocks in annotated.items():
        assert all(block.get("title") and block.get("description") for block in blocks), package
        assert any(block.get("related_resources") for block in blocks), (
            f"{package}: no related_resources"
        )


@pytest.mark.parametrize("path", rule_files(), ids=name)
def test_every_public_rule_has_a_title_and_a_description(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = metadata_blocks(lines)
    annotated = {
        rule
        for line, rule in rule_heads(lines)
        if blocks.get(line, {}).get("title") and blocks[line].get("description")
    }
    public = {rule for _, rule in rule_heads(lines) if not rule.startswith("_")}
    assert sorted(public - annotated) == []


def test_internal_rules_are_read_only_inside_their_package() -> None:
    leaks = []
    for path in rule_files():
        text = path.read_text(encoding="utf-8")
        own = package_of(text)
        for number, line in enumerate(text.splitlines(), 1):
            for ref in re.findall(r"data\.([A-Za-z0-9_.]+)", code(line)):
                parts = ref.split(".")
                internal = [i for i, part in enumerate(parts) if part.startswith("_")]
                if internal and ".".join(parts[: internal[0]]) != own:
                    leaks.append(f"{name(path)}:{number}: data.{ref}")
    assert leaks == []


def rego_tests_of(package: str) -> str:
    """The text of every test file of a package's tests (package `<package>_test`)."""
    return "".join(
        text
        for path in sorted(POLICIES.rglob("*_test.rego"))
        if package_of(text := path.read_text(encoding="utf-8")) == f"{package}_test"
    )


def named(package: str, rule: str, tests: str) -> bool:
    return (
        re.search(rf"\bdata\.{re.escape(package)}\.{re.escape(rule)}(?![A-Za-z0-9_])", tests)
        is not None
    )


@pytest.mark.parametrize("path", rule_files(), ids=name)
def test_every_file_of_rules_has_unit_tests_of_its_own(path: Path) -> None:
    """<name>_test.rego beside <name>.rego, in the package's test package, with tests that name
    rules of that file (by full path, as the embedded engine needs)."""
    beside = path.with_name(f"{path.stem}_test.rego")
    assert beside.is_file(), f"{name(path)}: no {beside.name} beside it"
    text = path.read_text(encoding="utf-8")
    package = package_of(text)
    tests = beside.read_text(encoding="utf-8")
    assert package_of(tests) == f"{package}_test", f"{name(beside)}: not package {package}_test"
    assert re.search(r"^test_[A-Za-z0-9_]* if\b", tests, re.M), f"{name(beside)}: no test"
    own = {rule for _, rule in rule_heads(text.splitlines())}
    assert own, f"{name(path)}: no rules found"
    assert any(named(package, rule, tests) for rule in own), (
        f"{name(beside)} names none of the rules of {name(path)}"
    )


def public_rules() -> dict[str, set[str]]:
    rules: dict[str, set[str]] = defaultdict(set)
    for path in rule_files():
        text = path.read_text(encoding="utf-8")
        rules[package_of(text)] |= {
            rule for _, rule in rule_heads(text.splitlines()) if not rule.startswith("_")
        }
    return rules


def test_every_public_rule_is_named_by_a_test_of_its_package() -> None:
    rules = public_rules()
    # Not vacuous: the pack has (at the time of writing) 109 public rules in 14 packages.
    assert len(rules) >= 14
    assert sum(len(names) for names in rules.values()) >= 100
    untested = sorted(
        f"data.{package}.{rule}"
        for package, names in rules.items()
        for rule in names
        if not named(package, rule, rego_tests_of(package))
    )
    assert untested == []


def test_every_scenario_of_the_matrix_is_raised_by_a_rego_test() -> None:
    matrix = json.loads(
        (POLICIES / "asr_guard" / "matrix" / "data.json").read_text(encoding="utf-8")
    )
    tests = "".join(path.read_text(encoding="utf-8") for path in POLICIES.rglob("*_test.rego"))
    missing = sorted(
        row["rule_id"] for row in matrix["scenarios"].values() if row["rule_id"] not in tests
    )
    assert missing == []


def test_regal_is_configured_as_this_test_checks() -> None:
    config = yaml.safe_load((ROOT / ".regal" / "config.yaml").read_text(encoding="utf-8"))
    assert config["rules"]["style"]["line-length"]["max-line-length"] == MAX_COLUMNS
    assert config["rules"]["bugs"]["leaked-internal-reference"]["level"] == "error"
    assert config["rules"]["custom"]["missing-metadata"]["level"] == "error"
