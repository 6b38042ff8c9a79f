"""`asr-guard fix` and `asr-guard check --expect-remediation`.

fix: check the inputs, then for each denial write what its remediation needs into a new
output directory (never into the inputs): the Terraform patch (a file patch where the
item's block is found, else the HCL fragment), the commands or runbook as bash and
PowerShell scripts, and remediation.json; and re-check every Terraform fix offline: the
plan-level model of each phase (validator.remediation.plan_model) is written beside it and
checked by the policies, which must decide what the remediation expects.

--expect-remediation FILE: the user's next real plan, checked against the expectations of
the remediation.json that fix wrote.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.check import Checker, Options
from validator.errors import InputError, UsageError
from validator.findings import Finding
from validator.inventory import inventory_data
from validator.remediation import arm_fragment, quoting, render, runbook, terraform
from validator.remediation.plan_model import model_plan
from validator.result import RunResult

if TYPE_CHECKING:
    from validator import tfsource
    from validator.tfsource import TerraformSource
else:  # python-hcl2 only where a .tf directory is read
    tfsource = lazy.module("validator.tfsource")

TERRAFORM_COMMAND_OPS = {
    "terraform_plan",
    "terraform_plan_replace",
    "terraform_apply_plan",
    "terraform_apply_destroy_item",
}


def is_terraform(remediation: dict[str, Any]) -> bool:
    return bool(remediation.get("params", {}).get("item")) and str(
        remediation["strategy"]
    ).startswith("terraform-")


def _source(
    finding: Finding, tf_dir: str | None, cache: dict[str | Path, TerraformSource | None]
) -> TerraformSource | None:
    """The Terraform source beside the finding's input (or in --tf-dir). `cache` holds it by
    input path (str) and by directory (Path): read once per directory, a directory may hold
    many plans; looked up once per input, without a pathlib object per finding (a plan may
    have thousands)."""
    if finding.path == "-" and not tf_dir:
        return None
    key = tf_dir or finding.path
    if key in cache:
        return cache[key]
    directory = Path(tf_dir) if tf_dir else Path(finding.path).parent
    if directory not in cache:
        has_tf = bool(tf_dir) or any(directory.glob("*.tf"))
        cache[directory] = tfsource.read_terraform_source(directory) if has_tf else None
    source = cache[key] = cache[directory]
    return source


def patches(finding: Finding, source: TerraformSource | None) -> list[terraform.Patch]:
    remediation = finding.remediation or {}
    if not is_terraform(remediation):
        return []
    return [
        terraform.patch(step["op"], remediation, source)
        for step in remediation["steps"]
        if step["kind"] == "patch"
    ]


def with_patches(result: RunResult, tf_dir: str | None) -> RunResult:
    """The run's result with each Terraform remediation's rendered patches beside it (for the
    reports: the pull-request comment shows them, SARIF gives file patches as fixes)."""
    cache: dict[str | Path, TerraformSource | None] = {}
    inputs = []
    for item in result.inputs:
        findings = []
        for finding in item.findings:
            if finding.remediation and is_terraform(finding.remediation):
                try:
                    rendered = [
                        _patch_entry(p) for p in patches(finding, _source(finding, tf_dir, cache))
                    ]
                except quoting.UnsafeValue as exc:
                    rendered = [{"op": "", "fragment": "", "note": str(exc)}]
                finding = dataclasses.replace(
                    finding, remediation={**finding.remediation, "patches": rendered}
                )
            findings.append(finding)
        inputs.append(dataclasses.replace(item, findings=tuple(findings)))
    return dataclasses.replace(result, inputs=tuple(inputs))


def _patch_entry(patch: terraform.Patch) -> dict[str, Any]:
    entry: dict[str, Any] = {"op": patch.op, "fragment": patch.fragment}
    if patch.file:
        entry.update(
            file=patch.file,
            diff=patch.diff,
            start_line=patch.start_line,
            end_line=patch.end_line,
            replacement=patch.replacement,
        )
    if patch.note:
        entry["note"] = patch.note
    return entry


# --- expectations ------------------------------------------------------------------------


def scope(remediation: dict[str, Any]) -> set[str]:
    """The resources a fix's expectation is about: the finding's resource and the VM's
    replicated item (other denials of the same input have fixes of their own)."""
    params = remediation.get("params", {})
    item = params.get("item") or {}
    return {r for r in (params.get("resource"), item.get("address")) if isinstance(r, str)}


def unmet(
    findings: Sequence[Finding], phase: dict[str, Any], about: set[str] | None = None
) -> list[str]:
    """What the policies' findings lack of one phase's expectation (empty: met), counting
    the findings on the resources `about` (all when None)."""
    seen = {f.rule_id for f in findings if not f.waived and (about is None or f.resource in about)}
    problems = [f"{rule} expected, not reported" for rule in phase["present"] if rule not in seen]
    problems += [f"{rule} reported" for rule in phase["absent"] if rule in seen]
    return problems


def write_models(
    finding: Finding, plan: dict[str, Any], options: Options, out: Path, base: str
) -> list[dict[str, Any]]:
    """Each phase of a Terraform fix modelled on the input plan, written beside the fix, with
    the inventories it is to be checked with."""
    remediation = finding.remediation or {}
    models = []
    for phase in remediation["expect"]:
        model = model_plan(plan, remediation, phase["ops"])
        path = out / f"{base}.phase{phase['phase']}.plan.json"
        path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        inventories = list(options.inventories)
        if "item_gone" in phase["ops"] and inventories:
            # After the first apply the VM is no longer replicated: nor in an inventory
            # taken then.
            inventories = [str(_inventory_without_item(remediation, options, out, base, phase))]
        models.append(
            {
                "phase": phase,
                "path": path,
                "inventories": tuple(inventories),
                "scope": scope(remediation),
            }
        )
    return models


def check_models(models: list[dict[str, Any]], options: Options) -> list[dict[str, Any]]:
    """The policies' findings on each model, one run for all models with the same
    inventories; each phase's outcome, in the models' order."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for model in models:
        groups.setdefault(model["inventories"], []).append(model)
    found: dict[str, list[Finding]] = {}
    for inventories, group in groups.items():
        paths = [str(m["path"]) for m in group]
        rechecked = dataclasses.replace(
            options, paths=paths, tf_dir=None, inventories=list(inventories)
        )
        with Checker(rechecked) as checker:
            result = checker.run()
        for item in result.inputs:
            found[item.path] = list(item.findings)
    outcomes = []
    for model in models:
        findings = found[str(model["path"])]
        problems = unmet(findings, model["phase"], model["scope"])
        outcomes.append(
            {
                "phase": model["phase"]["phase"],
                "model": model["path"].name,
                "findings": sorted({f.rule_id for f in findings if f.resource in model["scope"]}),
                "passed": not problems,
                "problems": problems,
            }
        )
    return outcomes


def check_fragments(paths: list[Path], options: Options) -> list[dict[str, Any]]:
    """The ARM re-enable fragments as the next deployment, checked by the policies with the
    run's inventories (one run for all): no denial. Their parameters (the recorded item, the
    VM's disks now) are known only when the runbook has run, so what depends on them is
    reported as undecided, not as passed or failed."""
    if not paths:
        return []
    rechecked = dataclasses.replace(
        options, paths=[str(p) for p in paths], tf_dir=None, parameters=None, scope=None
    )
    with Checker(rechecked) as checker:
        result = checker.run()
    found = {item.path: list(item.findings) for item in result.inputs}
    outcomes = []
    for path in paths:
        findings = found[str(path)]
        denials = sorted({f.rule_id for f in findings if f.severity == "deny" and not f.waived})
        outcomes.append(
            {
                "phase": "re-enable",
                "model": path.name,
                "findings": sorted({f.rule_id for f in findings}),
                "passed": not denials,
                "problems": [f"{rule} reported" for rule in denials],
            }
        )
    return outcomes


def recheck_model(
    finding: Finding, plan: dict[str, Any], options: Options, out: Path, base: str
) -> list[dict[str, Any]]:
    """Each phase of a Terraform fix, modelled on the input plan and checked again."""
    return check_models(write_models(finding, plan, options, out, base), options)


def _inventory_without_item(
    remediation: dict[str, Any], options: Options, out: Path, base: str, phase: dict[str, Any]
) -> Path:
    params = remediation["params"]
    gone_vm = str(params["vm_id"]).lower()
    gone_disks = {
        str(d.get("disk_id", "")).lower()
        for d in (params.get("item") or {}).get("managed_disks", [])
    }
    data = inventory_data(options.inventories)
    data["replicated_vms"] = [v for v in data["replicated_vms"] if v != gone_vm]
    data["replicated_disks"] = [d for d in data["replicated_disks"] if d not in gone_disks]
    path = out / f"{base}.phase{phase['phase']}.inventory.json"
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def expectation_problems(result: RunResult, file: str) -> list[str]:
    """--expect-remediation: each remediation of the file whose fix is a plan must be met by
    one of its phases in this run's findings."""
    try:
        entries = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(file, f"cannot read the remediation file: {exc}") from None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("remediation", {}).get("expect"), list)
        for e in entries
    ):
        raise InputError(file, "not a remediation.json written by asr-guard fix")
    problems = []
    for entry in entries:
        phases = entry["remediation"]["expect"]
        if not phases:
            continue
        about = scope(entry["remediation"])
        misses = [unmet(result.findings, phase, about) for phase in phases]
        if all(misses):
            best = min(misses, key=len)
            problems.append(
                f"{entry['remediation']['id']} on {entry['resource']}: {'; '.join(best)}"
            )
    return problems


# --- fix ---------------------------------------------------------------------------------


def _scripts(finding: Finding, out: Path, base: str) -> list[str]:
    remediation = finding.remediation or {}
    document = finding.as_dict()
    if is_terraform(remediation):
        commands = [
            argv
            for step in remediation["steps"]
            if step["op"] in TERRAFORM_COMMAND_OPS
            for argv in render.terraform_commands(step["op"], remediation)
        ]
        bash = [
            "#!/usr/bin/env bash",
            f"# asr-guard remediation {remediation['id']}",
            "set -euo pipefail",
        ]
        pwsh = [
            "#Requires -Version 7.0",  # '>' writes UTF-8 (Windows PowerShell 5.1: UTF-16)
            f"# asr-guard remediation {remediation['id']}",
            "$ErrorActionPreference = 'Stop'",
        ]
        for step in remediation["steps"]:
            bash.append(f"# {step['kind']}: {step['text']}")
            pwsh.append(f"# {step['kind']}: {step['text']}")
            for argv in render.terraform_commands(step["op"], remediation):
                redirect = " > plan.json" if argv[:2] == ["terraform", "show"] else ""
                bash.append(quoting.bash(argv) + redirect)
                pwsh.append("& " + " ".join(quoting.pwsh(a) for a in argv) + redirect)
                pwsh.append(
                    "if ($LASTEXITCODE -ne 0) { throw 'failed: " + argv[0] + " " + argv[1] + "' }"
                )
            if step["op"] == "expect_remediation":
                # Run from the Terraform directory: remediation.json is beside the script.
                check = "asr-guard check plan.json --expect-remediation"
                bash.append(f'{check} "$(dirname "$0")/remediation.json"')
                pwsh.append(f'& {check} "$PSScriptRoot/remediation.json"')
                pwsh.append("if ($LASTEXITCODE -ne 0) { throw 'the plan does not show the fix' }")
        if not commands:
            return []
        files = {f"{base}.sh": "\n".join(bash) + "\n", f"{base}.ps1": "\n".join(pwsh) + "\n"}
    elif remediation["strategy"].startswith("runbook-"):
        files = {
            f"{base}.sh": runbook.bash(remediation, document) + "\n",
            f"{base}.ps1": runbook.powershell(remediation, document) + "\n",
        }
    else:
        lines = [f"asr-guard remediation {remediation['id']}: {remediation['title']}", ""]
        lines += [f"{n}. {step['text']}" for n, step in enumerate(remediation["steps"], 1)]
        lines += ["", f"Workaround: {finding.workaround}"]
        files = {f"{base}.txt": "\n".join(lines) + "\n"}
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return list(files)


def _output_dir(path: str, inputs: Sequence[str]) -> Path:
    out = Path(path)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"--output-dir {path}: exists and is not an empty directory")
    for given in inputs:
        if given != "-" and Path(given).resolve() == out.resolve():
            raise UsageError(f"--output-dir {path} is an input")
    out.mkdir(parents=True, exist_ok=True)
    return out


def fix(options: Options, output_dir: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Write the fixes of every denial; (remediation.json entries, lines to print)."""
    with Checker(options) as checker:
        result = checker.run()
    result = with_patches(result, options.tf_dir)
    out = _output_dir(output_dir, options.paths)
    entries: list[dict[str, Any]] = []
    lines: list[str] = []
    plans: dict[str, dict[str, Any]] = {}
    denials = [f for f in result.findings if f.remediation]
    models: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    fragments: list[tuple[dict[str, Any], Path]] = []
    for n, finding in enumerate(denials, start=1):
        remediation = finding.remediation or {}
        base = f"{n:02d}-{finding.rule_id}-{remediation['strategy']}"
        entry: dict[str, Any] = {
            "path": finding.path,
            "resource": finding.resource,
            "rule_id": finding.rule_id,
            "remediation": {k: v for k, v in remediation.items() if k != "patches"},
            "files": [],
            "recheck": [],
        }
        try:
            for i, patch in enumerate(remediation.get("patches", []), start=1):
                name = f"{base}.{i}.patch" if patch.get("diff") else f"{base}.{i}.tf.txt"
                text = patch.get("diff") or patch["fragment"] + "\n"
                (out / name).write_text(text, encoding="utf-8")
                entry["files"].append(name)
                if patch.get("note"):
                    entry.setdefault("notes", []).append(patch["note"])
            entry["files"] += _scripts(finding, out, base)
            if arm_fragment.applies(remediation):
                name = f"{base}.reenable.json"
                fragment = arm_fragment.template(remediation, finding.as_dict())
                (out / name).write_text(json.dumps(fragment, indent=2) + "\n", encoding="utf-8")
                entry["files"].append(name)
                fragments.append((entry, out / name))
            if is_terraform(remediation) and remediation["expect"]:
                if finding.path not in plans:
                    plans[finding.path] = json.loads(Path(finding.path).read_text(encoding="utf-8"))
                models.append(
                    (entry, write_models(finding, plans[finding.path], options, out, base))
                )
        except quoting.UnsafeValue as exc:
            entry["error"] = str(exc)
        entries.append(entry)
    # Every model checked at once (one run per set of inventories), then each outcome filed.
    outcomes = iter(check_models([m for _, ms in models for m in ms], options))
    for entry, ms in models:
        entry["recheck"] = [next(outcomes) for _ in ms]
    for (entry, _), outcome in zip(
        fragments, check_fragments([path for _, path in fragments], options), strict=True
    ):
        entry["recheck"].append(outcome)
    for entry in entries:
        lines.append(
            f"{entry['path']}: {entry['rule_id']} {entry['resource']}: {entry['remediation']['id']}"
        )
        lines += [f"  wrote {out / name}" for name in entry["files"]]
        lines += [f"  note: {note}" for note in entry.get("notes", [])]
        if "error" in entry:
            lines.append(f"  not written: {entry['error']}")
        for outcome in entry["recheck"]:
            verdict = "passed" if outcome["passed"] else "FAILED: " + "; ".join(outcome["problems"])
            lines.append(
                f"  re-check of phase {outcome['phase']} ({outcome['model']}): "
                f"{', '.join(outcome['findings']) or 'no findings'}: {verdict}"
            )
    (out / "remediation.json").write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    lines.append(f"wrote {out / 'remediation.json'}: {len(entries)} denial(s)")
    return entries, lines


def fix_passed(entries: list[dict[str, Any]]) -> bool:
    return all("error" not in e and all(o["passed"] for o in e["recheck"]) for e in entries)
