"""The rule pages (docs/rules/ASR0NN.md), the support matrix and the README's rule table say
the same: every rule has a page with its facts, source and examples; every example gives the
verdict its page documents; every link in the matrix goes to a source of record."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT
from validator import kinds, rule_docs
from validator.cli import main
from validator.policy import load_pack

MATRIX = load_pack().matrix
ROWS = {row["rule_id"]: dict(row, scenario=name) for name, row in MATRIX["scenarios"].items()}
PAGES = ROOT / "docs" / "rules"
EXAMPLES = PAGES / "examples"
KIND_NAMES = {kind.NAME for kind in kinds.KINDS}
# Microsoft's documentation and REST reference, the Terraform registry and language docs,
# and source repositories.
LINK_HOSTS = {
    "learn.microsoft.com",
    "registry.terraform.io",
    "developer.hashicorp.com",
    "github.com",
}
# How the README's rule table names the input kinds.
README_KINDS = {
    "terraform-plan": "Terraform",
    "arm-whatif": "what-if",
    "arm-template": "ARM",
    "backup-restore-request": "restore request",
}
SECTIONS = ("## What triggers it", "## Why", "## Examples", "## Workaround", "## Waiving it")
# An example on a page: its heading, the command in a sh block, and the documented result.
_EXAMPLE = re.compile(
    r"^### (Fires|Does not fire)\n\n.*?```sh\n(asr-guard check [^\n]+)\n```\n\n"
    r"Result: exit (\d); (no findings|(?:(?:deny|warn|info) ASR\d{3}(?:, )?)+)\.$",
    re.MULTILINE | re.DOTALL,
)

# What the example that fires reports, as its page shows it.
_REPORTED = re.compile(r"^What it reports:\n\n```text\n(.*?)\n```$", re.MULTILINE | re.DOTALL)


def page(rule_id: str) -> rule_docs.RulePage:
    found = rule_docs.rule_page(rule_id, PAGES)
    assert found is not None, f"{rule_id}: no readable page docs/rules/{rule_id}.md"
    return found


def documented(result: str) -> set[tuple[str, str]]:
    if result == "no findings":
        return set()
    return {(s, r) for s, r in (item.split() for item in result.split(", "))}


def examples(rule_id: str) -> list[tuple[str, str, int, set[tuple[str, str]]]]:
    return [
        (heading, command, int(code), documented(result))
        for heading, command, code, result in _EXAMPLE.findall(page(rule_id).text)
    ]


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    assert {path.stem for path in PAGES.glob("ASR*.md")} == set(ROWS)


@pytest.mark.parametrize("rule_id", sorted(ROWS))
def test_the_page_says_what_the_matrix_says(rule_id: str) -> None:
    row, found = ROWS[rule_id], page(rule_id)
    assert (found.title, found.severity, found.basis, found.docs) == (
        row["title"],
        row["severity"],
        row["basis"],
        row["docs"],
    )
    assert list(found.applies_to) == row["applies_to"]
    text = found.text
    positions = [text.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), SECTIONS
    assert row["source"]["quote"] in text and row["source"]["url"] in text
    if row["basis"] == "policy":
        assert "a policy choice of this project" in text
    for kind in row["applies_to"]:
        assert f"(`{kind}`): " in text.split("## Why")[0], f"no trigger for {kind}"
    assert row["workaround"] in text
    for workaround in row.get("workarounds", {}).values():
        assert workaround in text
    assert f"rule: {rule_id}" in text


@pytest.mark.parametrize("rule_id", sorted(ROWS))
def test_each_page_has_an_example_that_fires_and_one_that_does_not(rule_id: str) -> None:
    found = examples(rule_id)
    assert [heading for heading, *_ in found] == ["Fires", "Does not fire"]
    severity = ROWS[rule_id]["severity"]
    fires, passes = found[0][3], found[1][3]
    assert (severity, rule_id) in fires
    assert rule_id not in {r for _, r in passes}


def _run(command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main([*shlex.split(command)[1:], "--format", "json", "--engine", "embedded"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    report: dict[str, Any] = json.loads(out.out)
    return code, report


CASES = [(rule_id, i) for rule_id in sorted(ROWS) for i in range(2)]


@pytest.mark.parametrize(("rule_id", "index"), CASES)
def test_the_example_gives_the_documented_verdict(
    rule_id: str, index: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    heading, command, code, expected = examples(rule_id)[index]
    got_code, report = _run(command, capsys)
    assert got_code == code, command
    assert {(f["severity"], f["rule_id"]) for f in report["findings"]} == expected, command
    if heading == "Fires":
        assert report["inputs"][0]["kind"] in ROWS[rule_id]["applies_to"]
        reported = sorted(
            f"{f['severity'].upper()} {f['rule_id']} {f['message']}"
            for f in report["findings"]
            if f["rule_id"] == rule_id
        )
        assert reported == _REPORTED.findall(page(rule_id).text)[0].splitlines()


def test_every_example_file_is_used_by_a_page() -> None:
    used: set[Path] = set()
    for rule_id in ROWS:
        for _, command, _, _ in examples(rule_id):
            used.update(ROOT / word for word in shlex.split(command) if word.startswith("docs/"))
    assert {path for path in EXAMPLES.rglob("*") if path.is_file()} == used


def _links(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [link for item in value.values() for link in _links(item)]
    if isinstance(value, list):
        return [link for item in value for link in _links(item)]
    return re.findall(r"https?://[^\s)\"']+", value) if isinstance(value, str) else []


def test_every_link_in_the_matrix_is_a_source_of_record() -> None:
    links = _links(MATRIX)
    assert len(links) > 2 * len(ROWS)
    for link in links:
        url = urlparse(link)
        assert url.scheme == "https" and url.hostname in LINK_HOSTS, link


@pytest.mark.parametrize("rule_id", sorted(ROWS))
def test_every_rule_has_a_source_microsoft_docs_and_the_kinds_it_applies_to(rule_id: str) -> None:
    row = ROWS[rule_id]
    assert row["basis"] in ("documented", "policy")
    assert row["source"]["quote"].strip() and row["source"]["url"].startswith("https://")
    assert urlparse(row["docs"]).hostname == "learn.microsoft.com"
    assert row["applies_to"] and set(row["applies_to"]) <= KIND_NAMES
    assert set(row.get("workarounds", {})) <= set(row["applies_to"])


def test_every_restored_create_option_has_a_basis() -> None:
    for option in MATRIX["restored_disk_create_options"]:
        assert option["basis"] in ("documented", "policy")
        if option["basis"] == "documented":
            assert option["source"]["quote"] and option["source"]["url"]
        else:
            assert option["note"]


def readme_rule_table() -> dict[str, list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What it checks", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| \[(ASR\d{3})\]\(docs/rules/(ASR\d{3})\.md\) \| (.*) \|$", line)
        if match:
            assert match.group(1) == match.group(2), line
            rows[match.group(1)] = [cell.strip() for cell in match.group(3).split(" | ")]
    return rows


def test_the_readme_table_lists_every_rule_as_the_matrix_does() -> None:
    table = readme_rule_table()
    assert set(table) == set(ROWS)
    for rule_id, (title, severity, basis, kinds_cell) in table.items():
        row = ROWS[rule_id]
        assert (title, severity, basis) == (row["title"], row["severity"], row["basis"])
        assert kinds_cell.split(", ") == [README_KINDS[kind] for kind in row["applies_to"]]


@pytest.mark.parametrize("rule_id", sorted(ROWS))
def test_the_help_is_the_page_without_links_that_lead_nowhere(rule_id: str) -> None:
    help_page = rule_docs.help_for(rule_id)
    assert help_page is not None
    markdown, uri = help_page
    assert uri == ROWS[rule_id]["docs"]
    assert markdown.startswith(f"# {rule_id}: {ROWS[rule_id]['title']}\n")
    targets = re.findall(r"\]\(([^)]+)\)", markdown)
    assert all(t.startswith("https://") for t in targets), targets
    assert f"<{ROWS[rule_id]['source']['url']}>" in markdown
    # a link to an example keeps its path from the repository root
    for _, command, _, _ in examples(rule_id):
        for word in shlex.split(command)[2:3]:
            assert f"`{word}`" in markdown


def test_a_relative_link_is_named_by_its_path_from_the_repository_root() -> None:
    text = (
        "# ASR999: t\n\n- Severity: deny\n- Basis: policy\n- Applies to: arm-template\n"
        "- Documentation: https://learn.microsoft.com/x\n\n"
        "See [the matrix](../../policies/m.json), [`docs/rules/examples/a.json`](examples/a.json) "
        "and [Microsoft](https://learn.microsoft.com/y).\n"
    )
    markdown = rule_docs.parse(text, "ASR999").help_markdown
    assert "See the matrix (`policies/m.json`), `docs/rules/examples/a.json` and " in markdown
    assert "[Microsoft](https://learn.microsoft.com/y)" in markdown


def test_a_missing_or_malformed_page_gives_no_help(tmp_path: Path) -> None:
    assert rule_docs.rule_page("ASR001", tmp_path) is None
    (tmp_path / "ASR001.md").write_text("# ASR001: no facts\n", encoding="utf-8")
    assert rule_docs.rule_page("ASR001", tmp_path) is None
    with pytest.raises(ValueError, match="Severity"):
        rule_docs.parse("# ASR001: no facts\n", "ASR001")
    with pytest.raises(ValueError, match="not a rule id"):
        rule_docs.page_path("../README")


def test_sarif_rules_carry_their_page_as_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["check", "examples/whatif/delete-replicated-vm.whatif.json", "--format", "sarif"])
    out = capsys.readouterr()
    assert code == 1, out.err
    rules = json.loads(out.out)["runs"][0]["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == set(ROWS)
    for rule in rules:
        markdown, uri = rule_docs.help_for(rule["id"]) or ("", "")
        assert rule["help"]["markdown"] == markdown and rule["helpUri"] == uri


def test_rules_explain_prints_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--explain", "asr014"]) == 0
    assert capsys.readouterr().out == page("ASR014").text
    assert main(["rules", "--explain", "ASR999"]) == 2
    assert "no rule 'ASR999'" in capsys.readouterr().err
