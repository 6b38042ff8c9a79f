"""The policy pack: Rego modules and the support-matrix data document."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from validator.data_files import policies_dir
from validator.errors import EngineError

ENTRYPOINT = "data.asr_guard.main.report"
MATRIX_FILE = Path("asr_guard") / "matrix" / "data.json"

_PACKAGE_RE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE_RE = re.compile(r"^(test_\w+)\s+if\b", re.MULTILINE)


@dataclass(frozen=True)
class RegoTest:
    package: str
    rule: str
    path: str

    @property
    def query(self) -> str:
        return f"data.{self.package}.{self.rule}"


@dataclass(frozen=True)
class PolicyPack:
    root: Path
    modules: tuple[tuple[str, str], ...]  # (module name, source), tests excluded
    test_modules: tuple[tuple[str, str], ...]
    matrix: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.matrix["policy_version"])

    def data(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data document, as `opa eval -d policies [-d extra.json]` loads it."""
        guard: dict[str, Any] = {"matrix": self.matrix}
        for key, value in ((extra or {}).get("asr_guard") or {}).items():
            if key == "matrix":
                raise EngineError("extra data may not replace the support matrix")
            guard[key] = value
        return {"asr_guard": guard}

    def tests(self) -> list[RegoTest]:
        found: list[RegoTest] = []
        for name, source in self.test_modules:
            package = _PACKAGE_RE.search(source)
            if package is None:
                raise EngineError(f"{name}: no package declaration")
            found.extend(
                RegoTest(package.group(1), rule, name) for rule in _TEST_RULE_RE.findall(source)
            )
        return found


def _read_modules(root: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    modules: list[tuple[str, str]] = []
    tests: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*.rego")):
        name = path.relative_to(root).as_posix()
        entry = (name, path.read_text(encoding="utf-8"))
        (tests if path.name.endswith("_test.rego") else modules).append(entry)
    return modules, tests


@cache
def load_pack(root: Path | None = None) -> PolicyPack:
    root = root or policies_dir()
    try:
        modules, tests = _read_modules(root)
        matrix = json.loads((root / MATRIX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineError(f"cannot load the policy pack from {root}: {exc}") from None
    if not modules:
        raise EngineError(f"no Rego policies found in {root}")
    return PolicyPack(root, tuple(modules), tuple(tests), matrix)
