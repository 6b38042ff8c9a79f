"""The CI recipes: valid YAML, and the script they run, run here as the CI systems would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.conftest import INVENTORY, REPLACED_PLAN, ROOT, SAFE_PLAN

SCRIPT = ROOT / "ci" / "asr-guard-ci.sh"


def test_github_action_is_a_composite_action_running_the_script() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("ci/asr-guard-ci.sh" in step.get("run", "") for step in steps)
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps
    )
    assert steps[-1]["if"] == "steps.check.outputs.status != '0'"
    for name in ("paths", "terraform-plan", "inventory", "waivers", "args"):
        assert name in action["inputs"]


def test_azure_pipelines_template_runs_the_script_and_publishes() -> None:
    template = yaml.safe_load((ROOT / "ci" / "azure-pipelines" / "asr-guard.yml").read_text())
    steps = template["steps"]
    assert any("ci/asr-guard-ci.sh" in step.get("script", "") for step in steps)
    tasks = {step.get("task") for step in steps}
    assert {"PublishTestResults@2", "PublishBuildArtifacts@1"} <= tasks


def run_script(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bin_dir = Path(sys.executable).parent  # asr-guard as installed with this Python
    full = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", **env}
    for variable in ("GITHUB_ACTIONS", "TF_BUILD"):
        full.pop(variable, None)
    full.update(env)
    return subprocess.run(
        ["bash", str(SCRIPT)], cwd=tmp_path, env=full, capture_output=True, text=True
    )


def test_script_as_github_runs_it(tmp_path: Path) -> None:
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    plan = tmp_path / "plan.json"
    shutil.copy(REPLACED_PLAN, plan)
    done = run_script(
        tmp_path,
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            "ASR_GUARD_PATHS": "plan.json",
            "ASR_GUARD_INVENTORY": str(INVENTORY / "replicated-vms.yaml"),
        },
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=plan.json,title=ASR004 ")
    results = tmp_path / "asr-guard-results"
    sarif = json.loads((results / "asr-guard.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "ASR004"
    assert ET.parse(results / "asr-guard.junit.xml").getroot().find(".//failure") is not None
    assert "\n## asr-guard: failed\n" in summary.read_text()
    assert "exit-code=1" in output.read_text()


def test_script_as_azure_passes_a_safe_plan(tmp_path: Path) -> None:
    shutil.copy(SAFE_PLAN, tmp_path / "plan.json")
    done = run_script(tmp_path, {"TF_BUILD": "True", "ASR_GUARD_PATHS": "plan.json"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # no findings, no logging commands
    assert (tmp_path / "asr-guard-results" / "asr-guard.junit.xml").is_file()


def test_script_fails_closed_without_inputs(tmp_path: Path) -> None:
    done = run_script(tmp_path, {"ASR_GUARD_PATHS": ""})
    assert done.returncode == 2
    assert "set ASR_GUARD_PATHS or ASR_GUARD_TF_PLAN" in done.stderr


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary")
def test_script_fails_closed_when_terraform_show_fails(tmp_path: Path) -> None:
    (tmp_path / "tfplan").write_bytes(b"not a plan")
    done = run_script(tmp_path, {"ASR_GUARD_TF_PLAN": "tfplan"})
    assert done.returncode == 2
    assert "terraform show -json tfplan failed" in done.stderr
