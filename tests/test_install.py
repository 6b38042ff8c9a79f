"""Where asr-guard installs: its dependencies per platform, and a run without the embedded engine.

scripts/check_wheels.py asks the package index whether every dependency has a wheel on each
platform (scripts/test runs it); these tests check, offline, what it asks for.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, SAFE_PLAN
from validator.cli import main
from validator.engines import embedded


def _check_wheels() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_wheels", ROOT / "scripts" / "check_wheels.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_wheels"] = module
    spec.loader.exec_module(module)
    return module


CHECK = _check_wheels()
PLATFORMS = {platform.name: platform for platform in CHECK.PLATFORMS}


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_the_embedded_engine_is_asked_for_exactly_where_it_has_a_wheel(name: str) -> None:
    platform = PLATFORMS[name]
    wanted = CHECK.requirements(platform)
    assert any(line.startswith("gordon-to-regorus==") for line in wanted) is platform.engine
    # Whatever the platform, the rest of asr-guard comes with it.
    assert {line.split(">")[0].split("<")[0] for line in wanted} >= {
        "requests", "pyyaml", "jsonschema-rs", "python-hcl2",
    }  # fmt: skip


def test_a_plain_linux_install_does_not_need_the_engine() -> None:
    """On Linux a marker cannot tell glibc 2.34+ from musl: the engine is the extra there."""
    plain = CHECK.Platform("linux", ("manylinux_2_34_x86_64",), "linux", "x86_64", (), False)
    assert not any(line.startswith("gordon-to-regorus") for line in CHECK.requirements(plain))


def test_every_platform_users_run_on_is_checked() -> None:
    assert {"win_amd64", "linux-aarch64", "macos-arm64", "macos-x86_64", "musllinux-x86_64"} <= set(
        PLATFORMS
    )


def test_without_the_embedded_engine_the_run_says_how_to_evaluate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(embedded, "regorus", None)
    monkeypatch.setenv("PATH", str(tmp_path))  # no opa binary either
    monkeypatch.delenv("ASR_GUARD_OPA_URL", raising=False)
    assert main(["check", str(SAFE_PLAN)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "asr-guard[embedded]" in error
    assert "--opa-path" in error and "--opa-url" in error
