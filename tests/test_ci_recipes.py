"""The CI recipes, run here as the CI systems run them: `asr-guard ci` from a sub-folder of a
scratch repository, with a stand-in `terraform` that prints a plan, as the GitHub action and
the Azure Pipelines template call it."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, FIXTURES, INVENTORY, MODULE_PLAN, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
TEMPLATE = yaml.safe_load((ROOT / "ci" / "azure-pipelines" / "asr-guard.yml").read_text())
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_the_action_sets_up_python_pins_its_actions_and_runs_asr_guard_ci() -> None:
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses and all(PINNED.match(use) for use in uses), uses
    assert any(use.startswith("actions/setup-python@") for use in uses)
    assert any("asr-guard ci" in step.get("run", "") for step in steps)
    for step in steps:  # inputs reach scripts only through the environment
        assert "${{" not in step.get("run", ""), step["name"]
    assert ACTION["inputs"]["upload-sarif"]["default"] == "false"
    assert ACTION["inputs"]["require-inventory"]["default"] == "true"
    upload = next(step for step in steps if "upload-sarif" in step.get("uses", ""))
    assert "asr-guard/{0}', inputs.working-directory" in upload["with"]["category"]
    assert "fork" in upload["if"] and "steps.check.outputs.sarif != ''" in upload["if"]
    assert steps[-1]["if"] == "always() && steps.check.outputs.status != '0'"


def test_the_azure_template_uses_python_and_publishes_only_the_reports() -> None:
    steps = TEMPLATE["steps"]
    assert steps[0]["task"] == "UsePythonVersion@0"
    assert any(step.get("script") == "asr-guard ci" for step in steps)
    for step in steps:
        assert "${{" not in step.get("script", "")
    published = [s for s in steps if s.get("task") == "PublishBuildArtifacts@1"]
    assert [s["inputs"]["PathtoPublish"] for s in published] == ["$(ASR_GUARD_SARIF)"]
    assert "checkout: asr-guard" in (ROOT / "ci" / "azure-pipelines" / "asr-guard.yml").read_text()


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A scratch repository: Terraform in infra/ (the plan's configuration), the inventory in
    dr/, and a stand-in terraform that prints the plan JSON of `terraform show -json`."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "tfconfig", repo / "infra")
    (repo / "dr").mkdir()
    shutil.copy(INVENTORY / "replicated-vms.yaml", repo / "dr" / "replicated-vms.yaml")
    (repo / "infra" / "tfplan").write_bytes(b"binary plan")
    tools = tmp_path / "bin"
    tools.mkdir()
    terraform = tools / "terraform"
    terraform.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "if sys.argv[1:3] != ['show', '-json'] or open(sys.argv[3], 'rb').read() != b'binary plan':\n"
        "    sys.exit('terraform: not a plan')\n"
        f"sys.stdout.write(open({str(MODULE_PLAN)!r}).read())\n"
    )
    terraform.chmod(terraform.stat().st_mode | stat.S_IXUSR)
    return repo


def ci(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ASR_GUARD_"))}
    full.pop("TF_BUILD", None)
    full.pop("BUILD_SOURCESDIRECTORY", None)
    full["PATH"] = f"{_tools(cwd)}{os.pathsep}{os.environ['PATH']}"
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "validator", "ci"],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


def _tools(cwd: Path) -> Path:
    for parent in cwd.parents:
        if (parent / "bin" / "terraform").exists():
            return parent / "bin"
    raise AssertionError("no stand-in terraform")


def github(
    repo: Path, cwd: Path, **env: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    outputs, summary = cwd / "github-output", cwd / "step-summary.md"
    done = ci(
        cwd,
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(repo),
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(summary),
            "ASR_GUARD_CI": "github",
            **env,
        },
    )
    values = dict(
        line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line
    ) if outputs.exists() else {}  # fmt: skip
    values["summary"] = summary.read_text() if summary.exists() else ""
    return done, values


def test_github_plan_findings_land_on_the_tf_lines_from_a_sub_folder(repository: Path) -> None:
    infra = repository / "infra"
    done, outputs = github(
        repository,
        infra,
        ASR_GUARD_TF_PLAN="tfplan",
        ASR_GUARD_INVENTORY="../dr/replicated-vms.yaml",
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(
        "::error file=infra/modules/data_disks/main.tf,line=30,title=ASR002"
    )
    results = infra / "asr-guard-results"
    assert sorted(p.name for p in results.iterdir()) == [
        "asr-guard.json",
        "asr-guard.junit.xml",
        "asr-guard.md",
        "asr-guard.sarif",
    ]  # fmt: skip  (no converted plan.json among what is published)
    sarif = json.loads((results / "asr-guard.sarif").read_text())
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "infra/modules/data_disks/main.tf", "uriBaseId": "SRCROOT",
    }  # fmt: skip
    assert location["region"]["startLine"] == 30
    assert ET.parse(results / "asr-guard.junit.xml").getroot().find(".//failure") is not None
    assert outputs["exit-code"] == "1" and outputs["verdict"] == "failed"
    assert outputs["sarif"] == str((results / "asr-guard.sarif").resolve())
    assert "<!-- asr-guard-report: infra -->\n## asr-guard: failed (infra)" in outputs["summary"]


def test_github_exit_2_shows_its_reason_and_sets_no_sarif(repository: Path) -> None:
    infra = repository / "infra"
    (infra / "bad.json").write_text('{"resource_changes": [')
    done, outputs = github(
        repository,
        infra,
        ASR_GUARD_PATHS="bad.json",
        ASR_GUARD_INVENTORY="../dr/replicated-vms.yaml",
    )
    assert done.returncode == 2
    assert re.search(r"^::error title=asr-guard could not evaluate::.*bad\.json", done.stdout, re.M)
    assert outputs["exit-code"] == "2" and "sarif" not in outputs
    assert not (infra / "asr-guard-results" / "asr-guard.sarif").exists()


def test_github_without_an_inventory_is_an_error(repository: Path) -> None:
    done, outputs = github(repository, repository / "infra", ASR_GUARD_TF_PLAN="tfplan")
    assert done.returncode == 2
    assert "replication known only from the input" in done.stdout
    assert outputs["exit-code"] == "2"
    done, outputs = github(
        repository, repository / "infra", ASR_GUARD_TF_PLAN="tfplan",
        ASR_GUARD_NO_REQUIRE_INVENTORY="true",
    )  # fmt: skip
    assert done.returncode == 0
    assert "replication known only from the input" in outputs["summary"].lower()


def test_a_failing_terraform_show_is_exit_2(repository: Path) -> None:
    (repository / "infra" / "tfplan").write_bytes(b"something else")
    done, _ = github(repository, repository / "infra", ASR_GUARD_TF_PLAN="tfplan")
    assert done.returncode == 2
    assert "terraform show -json tfplan failed: terraform: not a plan" in done.stderr


def test_a_matrix_of_two_root_modules_gets_a_report_each(repository: Path) -> None:
    for name in ("app", "db"):
        shutil.copytree(FIXTURES / "tfconfig", repository / "infra" / name)
        shutil.copy(repository / "infra" / "tfplan", repository / "infra" / name / "tfplan")
    seen = []
    for name in ("app", "db"):
        cwd = repository / "infra" / name
        done, outputs = github(
            repository, cwd, ASR_GUARD_TF_PLAN="tfplan",
            ASR_GUARD_INVENTORY="../../dr/replicated-vms.yaml",
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert f"file=infra/{name}/modules/data_disks/main.tf,line=30," in done.stdout
        seen.append((outputs["sarif"], outputs["summary"].splitlines()[0]))
    assert len({sarif for sarif, _ in seen}) == len({marker for _, marker in seen}) == 2


def test_azure_warning_only_run_succeeds_with_issues_and_uploads_the_summary(
    repository: Path,
) -> None:
    arm = repository / "arm"
    arm.mkdir()
    shutil.copy(EXAMPLES / "arm" / "attach-restored-disk.json", arm / "azuredeploy.json")
    done = ci(
        arm,
        {
            "TF_BUILD": "True",
            "BUILD_SOURCESDIRECTORY": str(repository),
            "ASR_GUARD_PATHS": "azuredeploy.json",
            "ASR_GUARD_INVENTORY": "../dr/replicated-vms.yaml",
            # Undecided values (ASR020) fail the run unless the pipeline says otherwise.
            "ASR_GUARD_ARGS": "--fail-on deny",
        },
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    source = f"sourcepath={(arm / 'azuredeploy.json').resolve()};"
    assert any(line.startswith("##vso[task.logissue type=warning;" + source) for line in lines)
    summary = (arm / "asr-guard-results" / "asr-guard.md").resolve()
    assert f"##vso[task.uploadsummary]{summary}" in lines
    assert "##vso[task.complete result=SucceededWithIssues;]asr-guard: warnings" in lines
    sarif = (arm / "asr-guard-results" / "asr-guard.sarif").resolve()
    assert f"##vso[task.setvariable variable=ASR_GUARD_SARIF]{sarif}" in lines
    assert "## asr-guard: undecided" in summary.read_text()


def test_the_old_script_runs_asr_guard_ci(repository: Path) -> None:
    script = (ROOT / "ci" / "asr-guard-ci.sh").read_text()
    assert script.rstrip().endswith('exec asr-guard ci "$@"')
