"""The shipped pre-commit hooks, run by the real pre-commit tool (`pre-commit try-repo`).

pre-commit installs the hooks into an environment of its own with pip. To stay offline,
pip reads the local wheelhouse that scripts/test builds while it installs (.wheelhouse).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, INVENTORY, MODULE_PLAN, REPLACED_PLAN, ROOT, SAFE_PLAN

WHEELHOUSE = ROOT / ".wheelhouse"


def test_hooks_file_is_valid() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"] for hook in hooks} == {
        "asr-guard-terraform-plan",
        "asr-guard-arm",
        "asr-guard-restore",
    }
    for hook in hooks:
        assert hook["entry"].startswith("asr-guard check")
        assert "--require-inventory" in hook["entry"].split()
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True


@pytest.fixture(scope="module")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not WHEELHOUSE.is_dir():
        if os.environ.get("CI"):
            pytest.fail("no .wheelhouse: scripts/test builds it before the tests")
        pytest.skip("no .wheelhouse (run scripts/test once)")
    repo = tmp_path_factory.mktemp("infra")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(REPLACED_PLAN, repo / "bad.plan.json")
    shutil.copy(SAFE_PLAN, repo / "good.plan.json")
    shutil.copy(MODULE_PLAN, repo / "disk.plan.json")  # names no replicated VM itself
    shutil.copy(EXAMPLES / "restore" / "vm-restore-in-place.json", repo / "restore-app.json")
    shutil.copy(INVENTORY / "replicated-vms.yaml", repo / "replicated-vms.yaml")
    (repo / "package.json").write_text('{"name": "infra-tools", "plan": "not a plan"}')
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    return repo


def run_pre_commit(infra: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(infra.parent / "pre-commit-home"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    command = [sys.executable, "-m", "pre_commit", *args]
    return subprocess.run(command, cwd=infra, env=env, capture_output=True, text=True, timeout=900)


def try_repo(infra: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    return run_pre_commit(infra, "try-repo", str(ROOT), hook, "--files", *files)


def run_hook(
    infra: Path,
    hook: str,
    *files: str,
    args: tuple[str, ...] = ("--inventory", "replicated-vms.yaml"),
) -> subprocess.CompletedProcess[str]:
    """As a team would use it: .pre-commit-config.yaml names the hook and its --inventory."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    config = {
        "repos": [{"repo": str(ROOT), "rev": head, "hooks": [{"id": hook, "args": list(args)}]}]
    }
    (infra / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    return run_pre_commit(infra, "run", hook, "--files", *files)


def test_hook_fails_on_a_breaking_plan(infra: Path) -> None:
    done = try_repo(infra, "asr-guard-terraform-plan", "bad.plan.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ASR004" in done.stdout
    assert "Failed" in done.stdout


def test_hook_passes_on_a_good_plan(infra: Path) -> None:
    done = run_hook(infra, "asr-guard-terraform-plan", "good.plan.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_hook_without_an_inventory_fails_on_a_plan_naming_no_replicated_vm(infra: Path) -> None:
    done = try_repo(infra, "asr-guard-terraform-plan", "disk.plan.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "replication known only from the input" in done.stdout
    assert "Failed" in done.stdout


def test_hook_skips_files_of_other_kinds(infra: Path) -> None:
    done = run_hook(infra, "asr-guard-terraform-plan", "package.json", "good.plan.json")
    assert done.returncode == 0, done.stdout + done.stderr


def test_restore_hook_configured_with_an_inventory(infra: Path) -> None:
    done = run_hook(infra, "asr-guard-restore", "restore-app.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ASR003" in done.stdout
