"""Remediations (issue 14, parts 2 and 3): every denial of the examples and fixtures has one;
each Terraform fix passes its offline re-check (its plan-level model, checked by the
policies) and a deliberately broken one fails it; runbooks use only the pinned az options and
PowerShell parameter sets, never the purge, and quote every value; `asr-guard fix` writes
only into its new output directory."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import jsonschema
import pytest
import referencing
import referencing.jsonschema

from benchmarks.bench import generate
from tests.conftest import CORPUS, EXAMPLES, FIXTURES, INVENTORY, ROOT, all_expectations
from validator.arm import resolve_input, template_context
from validator.check import Checker, Options
from validator.cli import main
from validator.engines.embedded import EmbeddedEngine
from validator.errors import InputError
from validator.findings import Finding
from validator.policy import load_pack
from validator.remediation import arm_fragment, fix, quoting, render, runbook
from validator.remediation.plan_model import model_plan
from validator.report import markdown as markdown_report
from validator.tfsource import read_terraform_source

REMEDIATION = FIXTURES / "remediation"
TF_CONFIG = REMEDIATION / "snapshot-copy"
COPY_PLAN = FIXTURES / "terraform" / "snapshot-copy-attached.plan.json"
REPLACE_PLAN = EXAMPLES / "terraform" / "replace-replicated-vm.plan.json"
RESTORE = EXAMPLES / "restore" / "vm-restore-in-place.json"
REPLICATED = str(INVENTORY / "replicated-vms.yaml")


def _options(case: dict[str, Any]) -> Options:
    args = list(case["args"])
    parameters = [args[i + 1] for i, a in enumerate(args) if a == "--parameters"]
    scope = next((args[i + 1] for i, a in enumerate(args) if a == "--scope"), None)
    return Options(
        paths=[str(case["file"])],
        inventories=[str(INVENTORY / i) for i in case["inventory"]],
        parameters=parameters or None,
        scope=scope,
    )


DENYING = {
    name: case
    for name, case in all_expectations().items()
    if any(severity == "deny" for severity, *_ in case["findings"])
}


def _denials(options: Options) -> list[Finding]:
    with Checker(options) as checker:
        result = checker.run()
    return [f for f in result.findings if f.severity == "deny"]


@pytest.mark.parametrize("name", sorted(DENYING))
def test_every_denial_has_a_remediation_that_passes_its_recheck(name: str, tmp_path: Path) -> None:
    case = DENYING[name]
    options = _options(case)
    denials = _denials(options)
    assert denials
    for finding in denials:
        remediation = finding.remediation
        assert remediation is not None, f"{finding.rule_id} has no remediation"
        assert remediation["id"].startswith(f"{finding.rule_id}/")
        assert remediation["steps"] and remediation["risks"]
        if fix.is_terraform(remediation):
            plan = json.loads(Path(finding.path).read_text(encoding="utf-8"))
            outcomes = fix.recheck_model(finding, plan, options, tmp_path, finding.rule_id)
            assert outcomes and all(o["passed"] for o in outcomes), outcomes
        elif remediation["strategy"].startswith("runbook-"):
            script = runbook.bash(remediation, finding.as_dict())
            _bash_parses(script, tmp_path)
            _ps_calls_fit_their_sets(runbook.powershell(remediation, finding.as_dict()))
            # Their az calls: test_every_runbook_passes_azure_cli (one run of azure-cli).
        else:
            assert remediation["strategy"] == "manual"
            assert finding.rule_id in {"ASR014", "ASR018"}, "only where no fix can be written"


def test_every_runbook_passes_azure_cli(tmp_path: Path) -> None:
    runbooks = {}
    for name, case in sorted(DENYING.items()):
        for finding in _denials(_options(case)):
            remediation = finding.remediation
            assert remediation is not None
            if remediation["strategy"].startswith("runbook-"):
                runbooks[(name, finding.rule_id, finding.resource)] = (
                    runbook.bash(remediation, finding.as_dict()),
                    runbook.powershell(remediation, finding.as_dict()),
                )
    assert len(runbooks) >= 10
    problems = _azure_cli_problems(list(runbooks.values()), tmp_path)
    assert {k: p for k, p in zip(runbooks, problems, strict=True) if p} == {}


def test_terraform_fixes_are_chosen_where_the_plan_holds_the_item() -> None:
    strategies = {}
    for case in DENYING.values():
        for finding in _denials(_options(case)):
            assert finding.remediation is not None
            strategies[(Path(finding.path).name, finding.rule_id)] = finding.remediation["strategy"]
    assert strategies[("snapshot-copy-attached.plan.json", "ASR002")] == "terraform-replace-item"
    assert strategies[("replace-replicated-vm.plan.json", "ASR004")] == (
        "terraform-replace-triggered-by-vm"
    )
    assert strategies[("vm-deleted-replicated.plan.json", "ASR005")] == (
        "terraform-remove-item-first"
    )
    assert strategies[("reenable-create-before-destroy.plan.json", "ASR026")] == (
        "terraform-delete-before-create"
    )
    assert strategies[("data-disk-detached-protected.plan.json", "ASR011")] == (
        "terraform-replace-item-drop-disk"
    )
    # The item is known from the inventory only, or is in another module than the VM.
    assert strategies[("attach-restored-disk.plan.json", "ASR002")] == "runbook-around-change"
    assert strategies[("vm-replaced-create-before-destroy-module.plan.json", "ASR004")] == (
        "runbook-around-change"
    )
    assert strategies[("vm-restore-in-place.json", "ASR003")] == "runbook-around-restore"
    assert strategies[("delete-replicated-vm.whatif.json", "ASR005")] == "runbook-disable-first"


# --- broken fixes fail the re-check ------------------------------------------------------


def _copy_denial() -> tuple[Finding, dict[str, Any]]:
    [finding] = _denials(Options(paths=[str(COPY_PLAN)]))
    return finding, json.loads(COPY_PLAN.read_text(encoding="utf-8"))


def _recheck(plan: dict[str, Any], tmp_path: Path) -> set[str]:
    path = tmp_path / "model.plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    with Checker(Options(paths=[str(path)])) as checker:
        return {f.rule_id for f in checker.run().findings}


def test_the_fix_as_modelled_passes(tmp_path: Path) -> None:
    finding, plan = _copy_denial()
    assert finding.remediation is not None
    phase = finding.remediation["expect"][0]
    rules = _recheck(model_plan(plan, finding.remediation, phase["ops"]), tmp_path)
    assert rules == {"ASR009"}
    assert plan == json.loads(COPY_PLAN.read_text(encoding="utf-8")), "the input is not changed"


def test_a_fix_without_the_order_fails(tmp_path: Path) -> None:
    finding, plan = _copy_denial()
    assert finding.remediation is not None
    # The item replaced and protecting the disk, but depending on nothing that orders it.
    model = model_plan(plan, finding.remediation, ["item_add_disk", "item_replace_by_request"])
    for block in model["configuration"]["root_module"]["resources"]:
        if block["address"] == "azurerm_site_recovery_replicated_vm.app":
            block["expressions"]["managed_disk"][-1]["disk_id"] = {"constant_value": "x"}
    rules = _recheck(model, tmp_path)
    assert "ASR027" in rules
    assert fix.unmet([_finding(r) for r in rules], finding.remediation["expect"][0])


def test_a_fix_that_misses_the_disk_fails(tmp_path: Path) -> None:
    finding, plan = _copy_denial()
    assert finding.remediation is not None
    model = model_plan(
        plan, finding.remediation, ["item_replace_by_request", "item_depends_on_changed"]
    )
    rules = _recheck(model, tmp_path)
    assert "ASR007" in rules
    assert fix.unmet([_finding(r) for r in rules], finding.remediation["expect"][0])


def test_a_fix_that_recreates_the_item_before_destroying_it_fails(tmp_path: Path) -> None:
    finding, plan = _copy_denial()
    assert finding.remediation is not None
    model = model_plan(plan, finding.remediation, finding.remediation["expect"][0]["ops"])
    for change in model["resource_changes"]:
        if change["address"] == "azurerm_site_recovery_replicated_vm.app":
            change["change"]["actions"] = ["create", "delete"]
    rules = _recheck(model, tmp_path)
    assert "ASR026" in rules
    assert fix.unmet([_finding(r) for r in rules], finding.remediation["expect"][0])


def _finding(rule_id: str) -> Finding:
    return Finding("p", 0, "r", rule_id, "m", "deny", "s", "t", "w", "https://x")


def _restore_runbooks() -> tuple[str, str]:
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert finding.remediation is not None
    return (
        runbook.bash(finding.remediation, finding.as_dict()),
        runbook.powershell(finding.remediation, finding.as_dict()),
    )


BREAKAGES = [
    # A bad option: one the CLI does not have, and prefixes argparse would take.
    ("bash", "--restore-mode", "--restore-moda", "unrecognized arguments: --restore-moda"),
    ("bash", "--restore-mode", "--restore-mod", "--restore-mod is not spelled as azure-cli"),
    ("pwsh", "--restore-mode", "--restore-m", "--restore-m is not spelled as azure-cli"),
    ("bash", "--vault-name", "--vault", "--vault is not spelled as azure-cli"),
    # A bad value, in a core command and in the site-recovery extension.
    (
        "bash",
        "--restore-mode OriginalLocation",
        "--restore-mode ReplaceExisting",
        "is not a valid value for '--restore-mode'",
    ),
    (
        "pwsh",
        "--restore-mode OriginalLocation",
        "--restore-mode Original",
        "is not a valid value for '--restore-mode'",
    ),
    ("pwsh", "check-vm --vm", "check-vm --vm-name", "unrecognized arguments: --vm-name"),
    ("bash", 'remove "${ITEM[@]}"', 'remove "${ITEM[@]}" --disable-reason Later', "not a valid"),
    # A missing argument.
    ("bash", ' -n "$(cat restore-job.txt)"', "", "(--name | --ids) are required"),
    ("bash", "--storage-account", "--target-resource-group", "required: --storage-account"),
    # The re-enable input (--provider-details, from the file the runbook's jq program writes).
    ("bash", '"fabric-object-id"', '"fabric-object"', "has no field named 'fabric-object'"),
    ("bash", '"disk-id": .id, ', "", "Missing required field: disk-id"),
    ("bash", "@provider-details.json", "@item-before.json", "has no field named"),
    # The purge instead of the clean disable.
    (
        "bash",
        "az site-recovery protected-item remove",
        "az site-recovery protected-item delete",
        "a purge",
    ),
]


def test_the_runbooks_of_a_restore_pass_azure_cli_and_each_breakage_fails(tmp_path: Path) -> None:
    """One run of azure-cli: the runbooks as generated pass; each deliberately broken copy
    (a bad option, a bad value, a missing argument, a bad re-enable input, the purge) fails
    with azure-cli's own error."""
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert finding.remediation is not None
    script = runbook.bash(finding.remediation, finding.as_dict())
    powershell = runbook.powershell(finding.remediation, finding.as_dict())
    variants = [(script, powershell)]
    for shell, old, new, _ in BREAKAGES:
        assert old in (script if shell == "bash" else powershell), old
        if shell == "bash":
            variants.append((script.replace(old, new, 1), powershell))
        else:
            variants.append((script, powershell.replace(old, new, 1)))
    [good, *broken] = _azure_cli_problems(variants, tmp_path)
    assert good == []
    for (_, old, _, error), problems in zip(BREAKAGES, broken, strict=True):
        assert any(error in p for p in problems), f"{old}: {error!r} not in {problems}"


PS_BREAKAGES = [
    # A parameter the pinned help does not have (added in a later module version).
    ("'RecoveryAvailabilityZone'", "'RecoveryCapacityReservationGroupId'", "unknown ['Recovery"),
    # A prefix PowerShell would take, but not the help's spelling.
    ("-WaitForCompletion | Out-Null\n\n", "-Wait | Out-Null\n\n", "unknown ['Wait']"),
    ("Get-AzVM -ResourceGroupName", "Get-AzVM -ResourceGroup", "unknown ['ResourceGroup']"),
    # A mandatory parameter missing: dropped, or set only when the recorded item has it.
    ("-InputObject $Rpi ", "", "mandatory missing ['InputObject']"),
    ("AzureVmId = $VmId; ", "", "mandatory missing ['AzureVmId']"),
    (
        "$Enable['RecoveryResourceGroupId'] = $Item",
        "if ($Item) { $Enable['RecoveryResourceGroupId'] = $Item }; $x = $Item",
        "mandatory missing ['RecoveryResourceGroupId']",
    ),
    ("  $a['LogStorageAccountId'] =", "  $b['LogStorageAccountId'] =", "['LogStorageAccountId']"),
    # A cmdlet without pinned help.
    ("Get-AzRecoveryServicesVault -", "Get-AzRecoveryServicesVaultX -", "no pinned help"),
]


def test_the_powershell_runbook_fits_the_pinned_help_and_each_breakage_fails() -> None:
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert finding.remediation is not None
    script = runbook.powershell(finding.remediation, finding.as_dict())
    _ps_calls_fit_their_sets(script)
    for old, new, error in PS_BREAKAGES:
        assert old in script, old
        problems = _ps_calls_problems(script.replace(old, new, 1))
        assert any(error in p for p in problems), f"{old}: {error!r} not in {problems}"


def test_the_powershell_runbook_names_the_module_version_of_the_pinned_help() -> None:
    sources = json.loads((PS_HELP / "SOURCES.json").read_text(encoding="utf-8"))
    assert set(sources["pages"]) == set(_ps_help())
    for page, source in sources["pages"].items():
        assert source["path"].endswith(f"/{page}.md") and re.fullmatch(
            r"[0-9a-f]{40}", source["commit"]
        )
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert finding.remediation is not None
    header = runbook.powershell(finding.remediation, finding.as_dict()).split("\n$")[0]
    for module, version in sources["modules"].items():
        assert f"{module} {version}" in header


# --- pinned command definitions ----------------------------------------------------------


def _bash_parses(script: str, tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    path = tmp_path / "runbook.sh"
    path.write_text(script, encoding="utf-8")
    subprocess.run(["bash", "-n", str(path)], check=True)


AZ_PURGE = "site-recovery protected-item delete"  # the purge: never in a runbook (C1)
AZURE_CLI_PARSE = ROOT / "tests" / "azcli_parse.py"


def _item_values() -> dict[str, str]:
    """What the bash runbook's `IFS=/ read ...` takes from the recorded item id."""
    parts = str(GET_EXAMPLE["id"]).split("/")
    names = ["ITEM_SUB", "ITEM_RG", "VAULT", "FABRIC", "CONTAINER", "ITEM_NAME"]
    return {f"${n}": parts[i] for n, i in zip(names, [2, 4, 8, 10, 12, 14], strict=True)}


# What the scripts' own expansions hold at run time, for the parse (values of the 2.5 example).
BASH_VALUES = {
    "$BACKUP_RG": "rg-backup-weu",
    "$BACKUP_VAULT": "rsv-backup-weu",
    "$(cat restore-job.txt)": "7d4c9a3e-2f0b-4c1e-9a7d-3b2f1e0c9d8a",
    "$(jq -r .properties.policyId item-before.json)": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices/vaults/rsv-dr-neu/replicationPolicies/policy-24h",
    "$STORAGE_ACCOUNT": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu/providers/Microsoft.Storage/storageAccounts/strestoreweu01",
}
PWSH_VALUES = {
    "$BackupVault[4]": "rg-backup-weu",
    "$BackupVault[8]": "rsv-backup-weu",
    "$Job": "7d4c9a3e-2f0b-4c1e-9a7d-3b2f1e0c9d8a",
    "$env:STORAGE_ACCOUNT": BASH_VALUES["$STORAGE_ACCOUNT"],
}


def _expand(word: str, values: dict[str, str], line: str) -> str:
    for name in sorted(values, key=len, reverse=True):
        word = word.replace(name, values[name])
    assert "$" not in word, f"an expansion the test has no value for: {word!r} in {line}"
    return word


def _shell_words(text: str) -> list[str]:
    """Words of a bash command up to its first operator (>, |, ||, &&, ;)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if word and all(char in "();<>|&" for char in word):
            break
        words.append(word)
    return words


def _bash_az_calls(script: str, work: Path) -> list[list[str]]:
    """Every az call of a bash runbook, as the words bash would pass: `"${ITEM[@]}"` is the
    script's own ITEM array, each variable its run-time value, `@file` the file in `work`."""
    values = {**_item_values(), **BASH_VALUES}
    item: list[str] = []
    calls = []
    for line in script.splitlines():
        if line.startswith("ITEM=("):
            item = _shell_words(line[len("ITEM=(") : line.rindex(")")])
        texts = [line] if line.startswith("az ") else []
        texts += re.findall(r"\$\((az [^()]*)\)", line)
        for text in texts:
            words: list[str] = []
            for word in _shell_words(text)[1:]:
                if word == "${ITEM[@]}":
                    words += [_expand(w, values, line) for w in item]
                elif word.startswith("@"):
                    words.append(f"@{work / word[1:]}")
                else:
                    words.append(_expand(word, values, line))
            calls.append(words)
    return calls


def _pwsh_az_calls(script: str) -> list[list[str]]:
    """Every az call of a PowerShell runbook: single-quoted words ('' is a quote), bare words
    and the script's variables, up to the end of the pipeline or of the parentheses."""
    calls = []
    for line in script.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(r"(?:^|[(=]\s*)az ((?:'(?:[^']|'')*'|[^\s'()|]+|\s)+)", line):
            words = re.findall(r"'(?:[^']|'')*'|[^\s'()|]+", match.group(1))
            calls.append(
                [
                    w[1:-1].replace("''", "'")
                    if w.startswith("'")
                    else _expand(w, PWSH_VALUES, line)
                    for w in words
                ]
            )
    return calls


def _write_enable_input(script: str, work: Path) -> None:
    """The files the runbook reads and writes before the re-enable: the recorded item (the 2.5
    example), the VM's disks before and after a Replace existing restore, and the
    --provider-details the runbook's own jq program makes of them."""
    disk = "/subscriptions/s/resourceGroups/rg-app-weu/providers/Microsoft.Compute/disks/"
    files = {
        "item-before.json": GET_EXAMPLE,
        "vm-disks-before.json": {
            "os": disk + "vm-app-01-osdisk",
            "data": [{"lun": 0, "id": disk + "vm-app-01-data0"}],
        },
        "vm-disks.json": {
            "os": disk + "vm-app-01-osdisk-restored",
            "data": [{"lun": 0, "id": disk + "vm-app-01-data0-restored"}],
        },
    }
    for name, value in files.items():
        (work / name).write_text(json.dumps(value), encoding="utf-8")
    programs = [line for line in script.splitlines() if line.startswith("jq -n ")]
    if not programs:
        return  # no re-enable in this runbook
    [jq] = programs
    if shutil.which("jq") is None:
        pytest.skip("jq (which the runbook uses) is needed to make its re-enable input")
    subprocess.run(["bash", "-c", jq], cwd=work, check=True)


def _azure_cli_problems(runbooks: list[tuple[str, str]], work: Path) -> list[list[str]]:
    """For each (bash, PowerShell) runbook pair, what azure-cli's real parser (the pinned
    site-recovery arguments for the extension) says is wrong with its az calls: one run of
    azure-cli for all of them."""
    batches = []
    for number, (bash, powershell) in enumerate(runbooks):
        here = work / f"runbook-{number}"
        here.mkdir(parents=True, exist_ok=True)
        _write_enable_input(bash, here)
        batches.append(_bash_az_calls(bash, here) + _pwsh_az_calls(powershell))
    calls = [argv for batch in batches for argv in batch]
    done = subprocess.run(
        [sys.executable, str(AZURE_CLI_PARSE)],
        input=json.dumps({"commands": calls}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"azure-cli (the azcli extra) could not run:\n{done.stderr}"
    results = iter(json.loads(done.stdout))
    problems = []
    for batch in batches:
        found = []
        assert batch, "a runbook without az calls"
        for argv in batch:
            result = next(results)
            line = "az " + shlex.join(argv)
            if " ".join(argv).startswith(AZ_PURGE):
                found.append(f"a purge: {line}")
            if result["exit"] != 1 or "Please run 'az login'" not in result["error"]:
                found.append(f"{line}\n  azure-cli: {result['error'].strip()}")
                continue
            known = set(result["options"])
            for word in argv[len(result["command"].split()) :]:
                if re.match(r"--?[A-Za-z]", word) and word not in known:
                    found.append(f"{word} is not spelled as azure-cli spells it: {line}")
        problems.append(found)
    return problems


def _az_calls_pass_azure_cli(bash: str, powershell: str, work: Path) -> None:
    [problems] = _azure_cli_problems([(bash, powershell)], work)
    assert not problems, "\n".join(problems)


PS_HELP = REMEDIATION / "powershell-help"
# about_CommonParameters: what <CommonParameters> in a SYNTAX block stands for.
PS_COMMON = {
    "Debug", "ErrorAction", "ErrorVariable", "InformationAction", "InformationVariable",
    "OutVariable", "OutBuffer", "PipelineVariable", "ProgressAction", "Verbose", "WarningAction",
    "WarningVariable",
}  # fmt: skip


def _parameter_sets(page: str) -> list[tuple[str, set[str], set[str]]]:
    """The parameter sets of a platyPS help page, from its SYNTAX section: (name, mandatory,
    all). `-P <T>` and `[-P] <T>` (positional) are mandatory, `[-P <T>]`, `[[-P] <T>]` and
    `[-P]` (a switch) are not, a bare `-P` is a mandatory switch."""
    syntax = page.split("## SYNTAX", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"(?:### (\S+)[^\n]*\n)?```\n(.*?)```", syntax, re.S)
    sets = []
    for name, block in blocks:
        text = " ".join(block.split()[1:])  # without the cmdlet's name
        common = "[<CommonParameters>]" in text
        text = text.replace("[<CommonParameters>]", "")
        optional: set[str] = set()
        mandatory: set[str] = set()
        for pattern, into in [
            (r"\[\[-(\w+)\]\s*<[^>]*>\]", optional),
            (r"\[-(\w+)\]\s*<[^>]*>", mandatory),
            (r"\[-(\w+)(?:\s*<[^>]*>)?\]", optional),
            (r"-(\w+)(?:\s*<[^>]*>)?", mandatory),
        ]:
            into |= set(re.findall(pattern, text))
            text = re.sub(pattern, " ", text)
        assert not text.strip(), f"a SYNTAX the test does not read: {text!r}"
        sets.append(
            (name or "(single)", mandatory, mandatory | optional | (PS_COMMON if common else set()))
        )
    assert sets
    return sets


def _ps_help() -> dict[str, list[tuple[str, set[str], set[str]]]]:
    return {
        path.stem: _parameter_sets(path.read_text(encoding="utf-8"))
        for path in sorted(PS_HELP.glob("*.md"))
    }


_PS_TOKEN = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"`]|`.)*\"|\$\([^()]*(?:\([^()]*\)[^()]*)*\)|[(){}|;]|[^\s'\"(){}|;]+"
)


def _ps_arguments(rest: str) -> list[str]:
    """The top-level words of one command: up to the end of its pipeline element, nested
    parentheses and braces skipped."""
    words, depth = [], 0
    for token in _PS_TOKEN.findall(rest):
        if token in "({":
            depth += 1
        elif token in ")}":
            if depth == 0:
                break
            depth -= 1
        elif token in "|;" and depth == 0:
            break
        elif depth == 0:
            words.append(token)
    return words


def _splat_keys(script: str, name: str) -> tuple[set[str], set[str]]:
    """The keys of the hashtable `$name` splatted into a call: (every key, the keys set on
    every run, not under an `if` or in a `try`)."""
    every: set[str] = set()
    always: set[str] = set()
    literal = re.search(rf"\${name} = @\{{([^}}]*)\}}", script)
    if literal:
        keys = {pair.split("=")[0].strip() for pair in literal.group(1).split(";")}
        every |= keys
        always |= keys
    for line in script.splitlines():
        for match in re.finditer(rf"\${name}\['(\w+)'\] =", line):
            every.add(match.group(1))
            before = line[: match.start()]
            if "if (" not in before and "try {" not in before:
                always.add(match.group(1))
    return every, always


def _ps_calls_problems(script: str) -> list[str]:
    """Each call of an Az cmdlet in a PowerShell runbook against the pinned help: a pinned page
    for it, and one parameter set that knows every parameter given (spelled as the help spells
    it; PowerShell would take a prefix) and gets every mandatory one."""
    help_ = _ps_help()
    problems = []
    for line in script.splitlines():
        if line.lstrip().startswith("#"):
            continue
        code = re.sub(  # strings blanked: a cmdlet named in a message is not a call
            r"'(?:[^']|'')*'|\"(?:[^\"`]|`.)*\"", lambda m: " " * len(m.group()), line
        )
        for match in re.finditer(r"(?<![\w-])([A-Z][a-z]+-Az[A-Za-z]+)\b", code):
            cmdlet = match.group(1)
            if cmdlet not in help_:
                problems.append(f"{cmdlet}: no pinned help")
                continue
            words = _ps_arguments(line[match.end() :])
            given = {w[1:] for w in words if re.fullmatch(r"-[A-Za-z]\w*", w)}
            always = set(given)
            for word in words:
                if word.startswith("@"):
                    every, sure = _splat_keys(script, word[1:])
                    given |= every
                    always |= sure
            fits = [
                name
                for name, mandatory, known in help_[cmdlet]
                if given <= known and mandatory <= always
            ]
            if not fits:
                reasons = [
                    f"{name}: unknown {sorted(given - known)}, mandatory missing "
                    f"{sorted(mandatory - always)}"
                    for name, mandatory, known in help_[cmdlet]
                ]
                problems.append(
                    f"{cmdlet} {sorted(given)} fits no parameter set of its help: "
                    + "; ".join(reasons)
                )
    return problems


def _ps_calls_fit_their_sets(script: str) -> None:
    problems = _ps_calls_problems(script)
    assert not problems, "\n".join(problems)


# --- the enable mapping and the re-enable input ------------------------------------------


def _mapping() -> dict[str, Any]:
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert finding.remediation is not None
    return runbook.enable_mapping(finding.remediation)


# ../shared/remediation.md 2.5: az site-recovery protected-item show (A2A)
GET_EXAMPLE: dict[str, Any] = {
    "id": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices/vaults/rsv-dr-neu/replicationFabrics/asr-a2a-default-westeurope/replicationProtectionContainers/asr-a2a-default-westeurope-container/replicationProtectedItems/vm-app-01-asr",
    "properties": {
        "policyId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices/vaults/rsv-dr-neu/replicationPolicies/policy-24h",
        "recoveryContainerId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices/vaults/rsv-dr-neu/replicationFabrics/asr-a2a-default-northeurope/replicationProtectionContainers/asr-a2a-default-northeurope-container",
        "protectionState": "Protected",
        "providerSpecificDetails": {
            "instanceType": "A2A",
            "fabricObjectId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu/providers/Microsoft.Compute/virtualMachines/vm-app-01",
            "recoveryAzureResourceGroupId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-neu",
            "selectedRecoveryAzureNetworkId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-net-neu/providers/Microsoft.Network/virtualNetworks/vnet-neu",
            "selectedTfoAzureNetworkId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-net-neu/providers/Microsoft.Network/virtualNetworks/vnet-neu-test",
            "recoveryAvailabilityZone": "1",
            "recoveryBootDiagStorageAccountId": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-neu/providers/Microsoft.Storage/storageAccounts/stbootneu01",
            "multiVmGroupName": "orders",
            "recoveryAzureVMName": "vm-app-01",
            "recoveryAzureVMSize": "Standard_D2s_v5",
            "protectedManagedDisks": [
                {
                    "diskId": "/subscriptions/s/resourceGroups/rg-app-weu/providers/Microsoft.Compute/disks/vm-app-01-osdisk",
                    "primaryStagingAzureStorageAccountId": "stcache-os",
                    "recoveryResourceGroupId": "rg-neu",
                    "recoveryReplicaDiskAccountType": "Premium_LRS",
                    "recoveryTargetDiskAccountType": "Premium_LRS",
                },
                {
                    "diskId": "/subscriptions/s/resourceGroups/rg-app-weu/providers/Microsoft.Compute/disks/vm-app-01-data0",
                    "primaryStagingAzureStorageAccountId": "stcache-data",
                    "recoveryResourceGroupId": "rg-neu",
                    "recoveryReplicaDiskAccountType": "Standard_LRS",
                    "recoveryTargetDiskAccountType": "Premium_LRS",
                },
            ],
            "vmNics": [
                {
                    "ipConfigs": [
                        {"name": "ipconfig1", "isPrimary": True, "recoverySubnetName": "snet-app"}
                    ]
                }
            ],
        },
    },
}


def test_every_field_of_a_real_get_is_mapped_or_dropped_with_a_reason() -> None:
    mapping = _mapping()["item"]
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    gets = [GET_EXAMPLE, *json.loads((INVENTORY / "protected-items.json").read_text())]
    full = _full_mapping()  # the whole table, dropped fields included: policy data
    for get in gets:
        for field in get["properties"]["providerSpecificDetails"]:
            assert field in full, f"{field} is neither mapped nor dropped"
            entry = full[field]
            assert (
                entry.get("from")
                or entry.get("disks")
                or entry.get("after_enable")
                or (entry.get("dropped"))
            )
    assert {"fabricObjectId", "recoveryAzureResourceGroupId"} <= set(mapping)
    assert finding.remediation is not None


def _full_mapping() -> dict[str, Any]:
    mapping: dict[str, Any] = EmbeddedEngine(load_pack()).query(
        "data.asr_guard.remediation.enable_mapping"
    )
    return mapping


@pytest.mark.skipif(shutil.which("jq") is None, reason="no jq")
def test_the_enable_input_takes_the_vm_disks_now_with_the_settings_of_the_same_lun(
    tmp_path: Path,
) -> None:
    disk = "/subscriptions/s/resourceGroups/rg-app-weu/providers/Microsoft.Compute/disks/"
    before = {"os": disk + "vm-app-01-osdisk", "data": [{"lun": 0, "id": disk + "vm-app-01-data0"}]}
    # A Replace existing restore gave the VM new disks on the same LUNs, and one more disk.
    after = {
        "os": disk + "restored-os",
        "data": [{"lun": 0, "id": disk + "restored-data0"}, {"lun": 1, "id": disk + "new1"}],
    }
    for name, value in [("item", GET_EXAMPLE), ("before", before), ("after", after)]:
        (tmp_path / f"{name}.json").write_text(json.dumps(value), encoding="utf-8")
    program = runbook._enable_jq(_mapping())
    output = subprocess.run(
        [
            "jq",
            "-n",
            "--slurpfile",
            "item",
            "item.json",
            "--slurpfile",
            "before",
            "before.json",
            "--slurpfile",
            "after",
            "after.json",
            program,
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    a2a = json.loads(output)["a2a"]
    p = GET_EXAMPLE["properties"]["providerSpecificDetails"]
    assert a2a["fabric-object-id"] == p["fabricObjectId"]
    assert a2a["recovery-subnet-name"] == "snet-app"
    assert a2a["multi-vm-group-name"] == "orders"
    assert "recovery-proximity-placement-group-id" not in a2a  # absent: not sent as null
    disks = {d["disk-id"]: d for d in a2a["vm-managed-disks"]}
    assert set(disks) == {disk + "restored-os", disk + "restored-data0", disk + "new1"}
    assert disks[disk + "restored-data0"]["recovery-replica-disk-account-type"] == "Standard_LRS"
    assert disks[disk + "restored-data0"]["primary-staging-azure-storage-account-id"] == (
        "stcache-data"
    )
    assert disks[disk + "new1"]["primary-staging-azure-storage-account-id"] == "stcache-os"


# --- values in scripts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg'; rm -rf ~; '/providers/Microsoft.Compute/virtualMachines/vm",
        "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/$(id)",
        "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\n",
        "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/../providers/Microsoft.Compute/virtualMachines/vm",
        "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
    ],
)
def test_an_id_that_is_not_an_id_is_refused(value: str) -> None:
    with pytest.raises(quoting.UnsafeValue):
        quoting.arm_id(value, "the VM id")


def test_a_refused_id_writes_no_runbook() -> None:
    [finding] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert finding.remediation is not None
    remediation = json.loads(json.dumps(finding.remediation))
    remediation["params"]["vm_id"] += "`whoami`"
    with pytest.raises(quoting.UnsafeValue):
        runbook.bash(remediation, finding.as_dict())
    with pytest.raises(quoting.UnsafeValue):
        runbook.powershell(remediation, finding.as_dict())


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("value", ["it's", "$(id)", "a`b`", 'x"; echo y', "${HOME}", "-n"])
def test_bash_quoting_keeps_a_value_data(value: str) -> None:
    line = quoting.bash(["printf", "%s", value])
    assert subprocess.run(["bash", "-c", line], capture_output=True, text=True).stdout == value


@pytest.mark.parametrize(
    ("value", "literal"),
    [("it's", "'it''s'"), ("$(id)", "'$(id)'"), ("a\u2019b", "'a\u2019\u2019b'")],
)
def test_powershell_quoting_doubles_quotes(value: str, literal: str) -> None:
    assert quoting.pwsh(value) == literal
    with pytest.raises(quoting.UnsafeValue):
        quoting.pwsh("a\nb")


def test_hcl_strings_escape_templates() -> None:
    assert quoting.hcl_string('a"${b}%{c}\\') == '"a\\"$${b}%%{c}\\\\"'


# --- asr-guard fix and --expect-remediation -----------------------------------------------


def _digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_fix_writes_patches_runbooks_and_rechecks_without_touching_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = [COPY_PLAN, REPLACE_PLAN, RESTORE, *TF_CONFIG.glob("*.tf")]
    before = _digest(inputs)
    out = tmp_path / "fix"
    code = main(
        [
            "fix",
            str(COPY_PLAN),
            str(REPLACE_PLAN),
            str(RESTORE),
            "--inventory",
            REPLICATED,
            "--tf-dir",
            str(TF_CONFIG),
            "--output-dir",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert _digest(inputs) == before
    entries = json.loads((out / "remediation.json").read_text())
    assert [e["remediation"]["id"] for e in entries] == [
        "ASR002/terraform-replace-item",
        "ASR004/terraform-replace-triggered-by-vm",
        "ASR003/runbook-around-restore",
    ]
    assert all(o["passed"] for e in entries for o in e["recheck"])
    assert "re-check of phase 1" in printed
    # The patches apply to a copy of the configuration (git apply -p1) and the result parses.
    for patch in sorted(out.glob("*.patch")):
        target = next(
            line[6:].strip() for line in patch.read_text().splitlines() if line.startswith("+++ b/")
        )
        work = tmp_path / f"work-{patch.stem}"
        (work / target).parent.mkdir(parents=True)
        shutil.copy(TF_CONFIG / "main.tf", work / target)
        if shutil.which("git"):
            subprocess.run(["git", "apply", str(patch)], cwd=work, check=True)
            hcl2.loads((work / target).read_text(encoding="utf-8"))
    assert (out / "03-ASR003-runbook-around-restore.ps1").exists()
    # The written scripts pass azure-cli's parser.
    for script in out.glob("*-runbook-*.sh"):
        _az_calls_pass_azure_cli(
            script.read_text(), script.with_suffix(".ps1").read_text(), tmp_path / script.stem
        )


def test_fix_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    code = main(["fix", str(COPY_PLAN), "--output-dir", str(tmp_path)])
    assert code == 2
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_fix_fails_when_a_recheck_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = model_plan

    def broken(plan: dict[str, Any], remediation: dict[str, Any], ops: list[str]) -> Any:
        return real(plan, remediation, [op for op in ops if op != "item_replace_by_triggers"])

    monkeypatch.setattr(fix, "model_plan", broken)
    code = main(["fix", str(REPLACE_PLAN), "--output-dir", str(tmp_path / "out")])
    assert code == 1


def test_expect_remediation_passes_the_fixed_plan_and_fails_the_unfixed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fix"
    assert main(["fix", str(COPY_PLAN), "--output-dir", str(out)]) == 0
    fixed = out / "01-ASR002-terraform-replace-item.phase1.plan.json"
    remediation = str(out / "remediation.json")
    capsys.readouterr()
    assert main(["check", str(fixed), "--expect-remediation", remediation]) == 0
    # The user's next plan without the fix: denied, and the expectation unmet.
    assert main(["check", str(COPY_PLAN), "--expect-remediation", remediation]) == 1
    assert "remediation not applied: ASR002/terraform-replace-item" in capsys.readouterr().err
    # A plan that passes the gate but does not show the workaround still fails.
    safe = EXAMPLES / "terraform" / "safe-update.plan.json"
    assert main(["check", str(safe), "--expect-remediation", remediation]) == 1


def test_expect_remediation_refuses_a_file_it_did_not_write(tmp_path: Path) -> None:
    bogus = tmp_path / "r.json"
    bogus.write_text('{"not": "a list"}', encoding="utf-8")
    assert main(["check", str(COPY_PLAN), "--expect-remediation", str(bogus)]) == 2


# --- reports -----------------------------------------------------------------------------


def test_reports_show_the_remediation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sarif, markdown = tmp_path / "r.sarif", tmp_path / "r.md"
    args = ["check", str(COPY_PLAN), "--tf-dir", str(TF_CONFIG)]
    main(
        [
            *args,
            "--format",
            "sarif",
            "--output",
            str(sarif),
            "--format",
            "markdown",
            "--output",
            str(markdown),
            "--format",
            "json",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    [finding] = document["findings"]
    assert finding["remediation"]["patches"][0]["file"].endswith("main.tf")
    [result] = json.loads(sarif.read_text())["runs"][0]["results"]
    [change] = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"].endswith("main.tf")
    assert (
        "azurerm_virtual_machine_data_disk_attachment.copy.managed_disk_id"
        in (change["replacements"][0]["insertedContent"]["text"])
    )
    assert result["properties"]["remediation"]["id"] == "ASR002/terraform-replace-item"
    text = markdown.read_text()
    assert "### Remediations" in text and "```diff" in text and "-replace=" in text


def test_sarif_has_no_fixes_without_a_file_patch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(RESTORE), "--inventory", REPLICATED, "--format", "sarif"])
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert "fixes" not in result
    assert result["properties"]["remediation"]["strategy"] == "runbook-around-restore"


def test_markdown_fences_cannot_be_closed_by_content() -> None:
    fenced = render._fence("a ``` b ```` c", "sh")
    assert fenced.startswith("`````sh\n") and fenced.endswith("\n`````")


def test_patch_of_a_block_not_found_is_a_fragment() -> None:
    [finding] = _denials(Options(paths=[str(COPY_PLAN)]))
    [patch] = fix.patches(finding, read_terraform_source(FIXTURES / "tfconfig"))
    assert patch.file is None and "managed_disk {" in patch.fragment
    assert "not found" in patch.note


def test_the_readme_fix_example_runs_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Fixing a denial") :]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    lines = block.group(1).splitlines()
    [command] = [line for line in lines if line.startswith("asr-guard fix ")]
    shown = [line[1:].strip() for line in lines if line.startswith("#   ")]
    monkeypatch.chdir(ROOT)
    out = tmp_path / "fix"
    argv = shlex.split(command)[1:]
    argv[argv.index("--output-dir") + 1] = str(out)
    assert main(argv) == 0
    printed = capsys.readouterr().out.replace(str(out), "fix")
    for line in shown:
        assert line in printed
    model = out / "01-ASR004-terraform-replace-triggered-by-vm.phase1.plan.json"
    expect = ["--expect-remediation", str(out / "remediation.json")]
    assert main(["check", str(model), *expect]) == 0
    assert main(["check", str(REPLACE_PLAN), *expect]) == 1


def test_markdown_shows_remediations_within_a_comment_budget(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(markdown_report, "REMEDIATION_BUDGET", 2_500)
    main(["check", str(COPY_PLAN), str(REPLACE_PLAN), "--format", "markdown"])
    text = capsys.readouterr().out
    assert text.count("<details><summary>Remediation") == 1
    assert "1 more remediation(s):" in text


def test_each_fix_of_a_plan_with_many_denials_is_rechecked_on_its_own(tmp_path: Path) -> None:
    """Other denials of the same plan stay in each fix's model: each expectation is about
    its own finding's resource and the VM's replicated item."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(generate(200)), encoding="utf-8")
    entries, _ = fix.fix(Options(paths=[str(plan)]), str(tmp_path / "out"))
    assert len(entries) > 1
    assert all(o["passed"] for e in entries for o in e["recheck"])
    assert all(o["findings"] == ["ASR009"] for e in entries for o in e["recheck"])


# --- the ARM re-enable fragment (a second deployment) -------------------------------------

WHATIF = EXAMPLES / "whatif" / "attach-restored-disk.whatif.json"
SITE_RECOVERY_SCHEMA = (
    CORPUS / "schemas" / "arm-Microsoft.RecoveryServices.SiteRecovery-2025-01-01.json"
)
ARM_COMMON_SCHEMA = CORPUS / "schemas" / "arm-common-definitions.json"


def _item_schema_validator() -> Any:
    """Microsoft's ARM schema of replicationProtectedItems (2025-01-01), with the common
    definitions it refers to, both from the corpus."""
    schema = json.loads(SITE_RECOVERY_SCHEMA.read_text(encoding="utf-8"))
    common = json.loads(ARM_COMMON_SCHEMA.read_text(encoding="utf-8"))
    registry = referencing.Registry().with_resources(
        [
            (str(s["id"]).rstrip("#"), referencing.jsonschema.DRAFT4.create_resource(s))
            for s in (schema, common)
        ]
    )
    name = "vaults_replicationFabrics_replicationProtectionContainers_replicationProtectedItems"
    root = {**schema["resourceDefinitions"][name], "definitions": schema["definitions"]}
    return jsonschema.Draft4Validator(root, registry=registry), schema["definitions"]


def _object_branches(
    definition: dict[str, Any], definitions: dict[str, Any]
) -> list[dict[str, Any]]:
    """The object definitions a schema node may be, through local $refs and oneOf."""
    ref = definition.get("$ref", "")
    if ref.startswith("#/definitions/"):
        return _object_branches(definitions[ref.split("/")[-1]], definitions)
    if "oneOf" in definition:
        return [b for d in definition["oneOf"] for b in _object_branches(d, definitions)]
    return [definition] if "properties" in definition or "items" in definition else []


def _undeclared(
    value: Any, definition: dict[str, Any], definitions: dict[str, Any], at: str
) -> list[str]:
    """Property names the schema does not declare (it does not forbid them itself): along
    the branch that declares the most of them."""
    best: list[str] | None = None
    for branch in _object_branches(definition, definitions):
        if isinstance(value, list) and "items" in branch:
            found = [
                p for v in value for p in _undeclared(v, branch["items"], definitions, at + "[]")
            ]
        elif isinstance(value, dict) and "properties" in branch:
            declared = branch["properties"]
            found = [f"{at}.{k}" for k in value if k not in declared]
            for key, item in value.items():
                if key in declared:
                    found += _undeclared(item, declared[key], definitions, f"{at}.{key}")
        else:
            continue
        if best is None or len(found) < len(best):
            best = found
    return best or []


def _schema_messages(errors: Any) -> list[str]:
    """Each error with the errors of its oneOf branches, to the leaves."""
    return [m for e in errors for m in [e.message, *_schema_messages(e.context or [])]]


def _fragment_problems(fragment: dict[str, Any], disks: list[Any], work: Path) -> list[str]:
    """The fragment deployed as the next deployment, with the recorded item (the 2.5 example)
    and the disks the runbook's own jq programs make of it: asr-guard's ARM loader resolves
    it, Microsoft's schema holds its item (and declares each property), and the policies,
    with the VM replicated, report no denial and nothing they could not decide."""
    work.mkdir(parents=True, exist_ok=True)
    template = work / "reenable.json"
    template.write_text(json.dumps(fragment), encoding="utf-8")
    parameters = work / "reenable.parameters.json"
    parameters.write_text(
        json.dumps(
            {
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                "contentVersion": "1.0.0.0",
                "parameters": {
                    "item": {"value": GET_EXAMPLE},
                    "vmManagedDisks": {"value": disks},
                },
            }
        ),
        encoding="utf-8",
    )
    scope = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-dr-neu"
    resolved = resolve_input(str(template), fragment, template_context(str(parameters), scope))
    problems = [f"unresolved: {u}" for u in resolved["asr_guard"]["unresolved"]]
    validator, definitions = _item_schema_validator()
    [item] = [r for r in resolved["resources"] if r["type"] == arm_fragment.ITEM_TYPE]
    deployed = {k: item[k] for k in ("type", "apiVersion", "name", "properties")}
    problems += [f"schema: {m}" for m in _schema_messages(validator.iter_errors(deployed))]
    problems += [
        f"not in the schema: {p}"
        for p in _undeclared(
            item["properties"],
            {"$ref": "#/definitions/EnableProtectionInputProperties"},
            definitions,
            "properties",
        )
    ]
    options = Options(
        paths=[str(template)], inventories=[REPLICATED], parameters=str(parameters), scope=scope
    )
    with Checker(options) as checker:
        findings = checker.run().findings
    problems += [
        f"{f.rule_id} reported" for f in findings if f.severity == "deny" or f.rule_id == "ASR020"
    ]
    return problems


def _whatif_fragment(tmp_path: Path) -> tuple[dict[str, Any], list[Any]]:
    """The fragment of the what-if example's denial, and the VM's disks as the runbook's own
    jq programs make them (vm-managed-disks.json) of the recorded item and the VM's disks."""
    [finding] = _denials(Options(paths=[str(WHATIF)]))
    assert finding.remediation is not None and arm_fragment.applies(finding.remediation)
    script = runbook.bash(finding.remediation, finding.as_dict())
    _write_enable_input(script, tmp_path)
    [to_rest] = [line for line in script.splitlines() if "> vm-managed-disks.json" in line]
    subprocess.run(["bash", "-c", to_rest], cwd=tmp_path, check=True)
    disks = json.loads((tmp_path / "vm-managed-disks.json").read_text(encoding="utf-8"))
    return arm_fragment.template(finding.remediation, finding.as_dict()), disks


def _replaced(old: str, new: str) -> Any:
    def breaking(fragment: dict[str, Any], disks: list[Any]) -> tuple[dict[str, Any], list[Any]]:
        text = json.dumps(fragment)
        assert old in text, old
        return json.loads(text.replace(old, new, 1)), disks

    return breaking


def _setting(name: str, value: str) -> Any:
    def breaking(fragment: dict[str, Any], disks: list[Any]) -> tuple[dict[str, Any], list[Any]]:
        broken = json.loads(json.dumps(fragment))
        broken["variables"]["settings"][name] = value
        return broken, disks

    return breaking


def _disks_without(key: str) -> Any:
    def breaking(fragment: dict[str, Any], disks: list[Any]) -> tuple[dict[str, Any], list[Any]]:
        return fragment, [{k: v for k, v in d.items() if k != key} for d in disks]

    return breaking


FRAGMENT_BREAKAGES = [
    # A bad value, a misspelled property, a missing required one: Microsoft's schema.
    (_replaced('"instanceType": "A2A"', '"instanceType": "A2B"'), "'A2B' is not one of ['A2A']"),
    (_replaced('"recoverySubnetName"', '"recoverySubnet"'), "not in the schema: properties."),
    (_disks_without("diskId"), "'diskId' is a required property"),
    (_setting("fabricObjectId", "[tryGet(parameters('item'), 'vmId')]"), "fabricObjectId"),
    # A setting read from where the recorded item has none: the loader cannot resolve it.
    (
        _replaced("properties.policyId]", "properties.policy]"),
        "no property 'policy'",
    ),
    # The item's VM left to a value the loader cannot read.
    (_setting("fabricObjectId", "[parameters('item').properties.vm]"), "no property 'vm'"),
    # The item's own id not known: the policies cannot decide (ASR020).
    (
        _replaced(
            "[format('{0}/{1}/{2}/{3}', split(",
            "[format('{0}/{1}/{2}/{3}', split(parameters('item').properties.vault, '/')[0], split(",
        ),
        "ASR020 reported",
    ),
]


def test_the_arm_reenable_fragment_passes_schema_and_policies_and_each_breakage_fails(
    tmp_path: Path,
) -> None:
    fragment, disks = _whatif_fragment(tmp_path)
    item = fragment["resources"][0]
    assert item["apiVersion"] == "2025-01-01" and item["type"] == arm_fragment.ITEM_TYPE
    assert {d["diskId"].rsplit("/", 1)[1] for d in disks} == {
        "vm-app-01-osdisk-restored",
        "vm-app-01-data0-restored",
    }
    assert _fragment_problems(fragment, disks, tmp_path / "good") == []
    for number, (breaking, error) in enumerate(FRAGMENT_BREAKAGES):
        broken, broken_disks = breaking(fragment, disks)
        try:
            problems = _fragment_problems(broken, broken_disks, tmp_path / f"broken-{number}")
        except InputError as exc:
            problems = [str(exc)]
        assert any(error in p for p in problems), f"{number}: {error!r} not in {problems}"


def test_fix_writes_the_arm_reenable_beside_the_runbook_and_rechecks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fix"
    assert main(["fix", str(WHATIF), "--output-dir", str(out)]) == 0
    [entry] = json.loads((out / "remediation.json").read_text())
    assert entry["files"][-1].endswith(".reenable.json")
    [recheck] = entry["recheck"]
    assert recheck["phase"] == "re-enable" and recheck["passed"]
    assert "re-check of phase re-enable" in capsys.readouterr().out
    written = json.loads((out / entry["files"][-1]).read_text())
    assert written["resources"][0]["type"] == arm_fragment.ITEM_TYPE
    # No fragment for a denial that is not from an ARM template or what-if.
    [restore] = _denials(Options(paths=[str(RESTORE)], inventories=[REPLICATED]))
    assert restore.remediation is not None and not arm_fragment.applies(restore.remediation)
