"""Rule selection (issue 11, "Configured once"): --rule and --skip-rule, from the command line,
the config file and ASR_GUARD_RULE / ASR_GUARD_SKIP_RULE. The policies decide what is left out
(policies/asr_guard/lib/selection.rego); the undecided rule ASR020 is never left out."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import CORPUS, EXAMPLES, INVENTORY, MODULE_PLAN, ROOT
from tests.opa_rest_server import opa_rest_server
from tests.reference_opa import reference_decision
from tests.test_opa_binary import standin  # noqa: F401  (the opa stand-in fixture)
from tests.test_report_safety import _github_ingestion_problems, undecided_template
from validator.check import Checker, Options, rule_selection
from validator.cli import main
from validator.engines.embedded import EmbeddedEngine
from validator.engines.opa_server import OpaServerEngine
from validator.errors import EngineError, UsageError
from validator.files import Candidate
from validator.findings import rules_from_matrix
from validator.inputs import load_input
from validator.inventory import inventory_data
from validator.policy import PolicyData, load_pack

REPLICATED = ["--inventory", str(INVENTORY / "replicated-vms.yaml")]
WHATIF = str(EXAMPLES / "whatif" / "delete-replicated-vm.whatif.json")  # ASR005
PLAN = str(MODULE_PLAN)  # ASR002
RULES = rules_from_matrix(load_pack().matrix)
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
SARIF_SCHEMA = json.loads((CORPUS / "schemas" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("ASR_GUARD_RULE", "ASR_GUARD_SKIP_RULE", "ASR_GUARD_INVENTORY"):
        monkeypatch.delenv(variable, raising=False)


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["check", *args, "--format", "json"])
    captured = capsys.readouterr()
    assert captured.err == "", captured.err
    document: dict[str, Any] = json.loads(captured.out)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    return code, document


def rule_ids(document: dict[str, Any]) -> set[str]:
    return {finding["rule_id"] for finding in document["findings"]}


def test_without_a_selection_every_rule_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json([PLAN, WHATIF, *REPLICATED], capsys)
    assert (code, rule_ids(document)) == (1, {"ASR002", "ASR005"})
    assert "rules" not in document


def test_skip_rule_leaves_a_rule_out_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json([PLAN, WHATIF, *REPLICATED, "--skip-rule", "ASR005"], capsys)
    assert (code, rule_ids(document)) == (1, {"ASR002"})
    assert document["rules"]["skipped"] == ["ASR005"]
    assert "ASR005" not in document["rules"]["selected"]
    # The only denying rule left out: the run passes, and says what it did not check.
    code, document = run_json([WHATIF, *REPLICATED, "--skip-rule", "asr005"], capsys)
    assert (code, rule_ids(document), document["summary"]["verdict"]) == (0, set(), "passed")


def test_rule_reports_only_the_named_rules_and_always_asr020(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, document = run_json([PLAN, WHATIF, *REPLICATED, "--rule", "ASR002"], capsys)
    assert (code, rule_ids(document)) == (1, {"ASR002"})
    assert document["rules"]["selected"] == ["ASR002", "ASR020"]
    assert len(document["rules"]["skipped"]) == len(RULES) - 2
    code, document = run_json([PLAN, WHATIF, *REPLICATED, "--rule", "ASR002,ASR005"], capsys)
    assert (code, rule_ids(document)) == (1, {"ASR002", "ASR005"})
    named = ["--rule", "ASR002", "--rule", "ASR005", "--skip-rule", "ASR002"]
    code, document = run_json([PLAN, WHATIF, *REPLICATED, *named], capsys)
    assert rule_ids(document) == {"ASR005"}  # a skipped rule wins over a named one


def test_a_cannot_know_never_becomes_a_silent_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = undecided_template(tmp_path)
    code, document = run_json([template, *REPLICATED, "--rule", "ASR002"], capsys)
    assert code == 1 and rule_ids(document) == {"ASR020"}  # still reported, still failing
    assert main(["check", template, *REPLICATED, "--skip-rule", "ASR020"]) == 2
    error = capsys.readouterr().err.splitlines()
    assert len(error) == 1 and "--skip-rule ASR020" in error[0] and "cannot be skipped" in error[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "ASR999"], "--rule 'ASR999': no such rule"),
        (["--skip-rule", "ASR002,nope"], "--skip-rule 'NOPE': no such rule"),
        (["--skip-rule", "asr020"], "--skip-rule ASR020"),
    ],
)
def test_bad_selections_are_usage_errors_naming_the_known_rules(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", PLAN, *REPLICATED, *args]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1 and message in lines[0]
    if "no such rule" in message:
        assert "ASR001, ASR002" in lines[0] and "ASR028" in lines[0]


def test_rule_selection_data() -> None:
    assert rule_selection(RULES, [], []) is None
    assert rule_selection(RULES, ["asr002, ASR011", "ASR002"], ["ASR023"]) == {
        "rules": ["ASR002", "ASR011"],
        "skip_rules": ["ASR023"],
    }
    with pytest.raises(UsageError):
        rule_selection(RULES, [], ["ASR020"])


def test_config_file_and_environment_select_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(MODULE_PLAN, tmp_path / "plan.json")
    shutil.copy(WHATIF, tmp_path / "whatif.json")
    monkeypatch.chdir(tmp_path)
    inputs = ["plan.json", "whatif.json", *REPLICATED]
    (tmp_path / ".asr-guard.yaml").write_text("skip-rule: [ASR005]\n")
    assert rule_ids(run_json(inputs, capsys)[1]) == {"ASR002"}
    # The command line adds to the file's list.
    assert rule_ids(run_json([*inputs, "--skip-rule", "ASR002"], capsys)[1]) == set()
    (tmp_path / ".asr-guard.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.asr-guard]\nrule = ["ASR005"]\n')
    assert rule_ids(run_json(inputs, capsys)[1]) == {"ASR005"}
    monkeypatch.setenv("ASR_GUARD_RULE", "ASR002")  # the environment over the file
    assert rule_ids(run_json(inputs, capsys)[1]) == {"ASR002"}
    monkeypatch.delenv("ASR_GUARD_RULE")
    monkeypatch.setenv("ASR_GUARD_SKIP_RULE", "ASR002 ASR005")
    assert rule_ids(run_json(inputs, capsys)[1]) == set()
    monkeypatch.setenv("ASR_GUARD_SKIP_RULE", "ASR020")
    assert main(["check", *inputs]) == 2
    assert "--skip-rule ASR020" in capsys.readouterr().err
    monkeypatch.delenv("ASR_GUARD_SKIP_RULE")
    (tmp_path / "pyproject.toml").write_text('[tool.asr-guard]\nrule = "ASR002 ASR999"\n')
    assert main(["check", *inputs]) == 2
    assert "no such rule" in capsys.readouterr().err


def test_every_format_says_which_rules_were_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", PLAN, WHATIF, *REPLICATED, "--skip-rule", "ASR005,ASR023"]
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("sarif", "junit", "markdown")}
    events = [a for fmt, path in outputs.items() for a in ("--format", fmt, "--output", str(path))]
    assert main([*args, "--path-base", str(ROOT), *events, "--format", "text"]) == 1
    text = capsys.readouterr().out.splitlines()
    assert "2 rule(s) not checked (--rule/--skip-rule): ASR005, ASR023" in text
    assert "2 rule(s) skipped" in text[-1]
    assert "not checked" in outputs["markdown"].read_text()
    sarif = json.loads(outputs["sarif"].read_text())
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(sarif)
    assert _github_ingestion_problems(sarif) == []
    run = sarif["runs"][0]
    overrides = run["invocations"][0]["ruleConfigurationOverrides"]
    rules = run["tool"]["driver"]["rules"]
    assert [(rules[o["descriptor"]["index"]]["id"], o["configuration"]) for o in overrides] == [
        ("ASR005", {"enabled": False}),
        ("ASR023", {"enabled": False}),
    ]
    assert {r["ruleId"] for r in run["results"]} == {"ASR002"}
    # JUnit: a rule left out is a skipped case, never a passed one.
    cases = {
        (suite.get("name"), case.get("name", "").split()[0]): case
        for suite in ET.fromstring(outputs["junit"].read_text())
        for case in suite
    }
    whatif = str(Path(WHATIF).relative_to(ROOT))
    assert cases[(whatif, "ASR005")].find("skipped") is not None
    assert cases[(whatif, "ASR002")].find("skipped") is None


def test_engines_decide_the_selection_alike(
    standin: Path,  # noqa: F811
    opa_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The embedded engine, the opa binary and an OPA server (the selection in the request)."""
    args = [PLAN, WHATIF, *REPLICATED, "--rule", "ASR002,ASR005", "--skip-rule", "ASR005"]
    expected = run_json([*args, "--engine", "embedded"], capsys)
    assert rule_ids(expected[1]) == {"ASR002"}
    expected[1].pop("engine")
    for engine in (["--opa-path", str(standin / "opa")], ["--opa-url", opa_url]):
        code, document = run_json([*args, "--engine", "opa", *engine], capsys)
        document.pop("engine")
        assert (code, document) == expected, engine


@pytest.mark.parametrize(
    "config",
    [{"rules": ["ASR002"]}, {"skip_rules": ["ASR002", "ASR020"]}, {"rules": [], "skip_rules": []}],
)
def test_the_selection_is_decided_as_real_opa_decides_it(config: dict[str, list[str]]) -> None:
    pack = load_pack()
    data = PolicyData(
        pack.matrix, inventory_data([str(INVENTORY / "replicated-vms.yaml")]), config=config
    )
    for path in (PLAN, WHATIF):
        document = load_input(Candidate(path))
        assert document is not None
        embedded = EmbeddedEngine(pack, data).evaluate(document).raw
        expected = reference_decision(pack, data, document.value)
        assert json.dumps(embedded, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_a_pack_that_does_not_apply_the_selection_fails_the_run(tmp_path: Path) -> None:
    """An OPA server preloaded with a pack that knows no rule selection (an older one) would
    report every rule: the run stops (exit 2) rather than report what was not selected."""
    shutil.copytree(load_pack().root, tmp_path / "policies")
    main_rego = tmp_path / "policies" / "asr_guard" / "main" / "main.rego"
    text = main_rego.read_text()
    assert '\t"rules": data.asr_guard.lib.selection,\n' in text
    main_rego.write_text(text.replace('\t"rules": data.asr_guard.lib.selection,\n', ""))
    older = load_pack(tmp_path / "policies")
    with opa_rest_server() as url:
        OpaServerEngine(url, older).close()  # the server now holds the older pack
        options = Options(paths=[PLAN], opa_url=url, opa_preloaded=True)
        with Checker(options) as checker:
            assert checker.run().skipped_rules == ()  # no selection asked: nothing to check
        selecting = Options(paths=[PLAN], opa_url=url, opa_preloaded=True, skip_rules=["ASR002"])
        with Checker(selecting) as checker, pytest.raises(EngineError, match="--rule/--skip-rule"):
            checker.run()
