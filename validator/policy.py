"""What crosses the engine boundary: the policy pack, the data the policies read besides
the input (PolicyData), and what they decide for one document (Decision)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from validator.data_files import policies_dir
from validator.errors import EngineError
from validator.findings import Finding

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


DATA_ROOT = "asr_guard"
# The key of a request that carries its own data (policies/asr_guard/lib/envelope.rego):
# {"asr_guard_request": {"document", "inventory", "waivers", "config"}}. An input file may not
# have it at its top level (validator.kinds refuses it): it could bring its own data.
REQUEST_KEY = "asr_guard_request"
# The parts of the data that belong to one run, not to the policy pack.
RUN_PARTS = ("inventory", "waivers", "config")


@dataclass(frozen=True)
class PolicyData:
    """The data the policies read besides the input: data.asr_guard.matrix (the support
    matrix), .inventory (the replicated VMs and disks), .waivers (with the day expiry is
    judged on) and .config (the rule selection: {"rules", "skip_rules"},
    policies/asr_guard/lib/selection.rego). A run builds it once (validator.check); the
    embedded engine reads it whole (`document`), OPA has the matrix loaded (`paths`) and the
    run's parts with each query (`request`)."""

    matrix: dict[str, Any] | None = None  # None: the pack's own, as `opa eval -d policies` reads it
    inventory: dict[str, Any] | None = None  # None: the run names no inventory file
    waivers: dict[str, Any] | None = None  # None: the run has no waivers
    config: dict[str, Any] | None = None  # None: no rule selection (every rule)

    def document(self) -> dict[str, Any]:
        """One data document, as regorus and `opa eval -d` read it: {"asr_guard": {...}}."""
        parts = {
            "matrix": self.matrix,
            "inventory": self.inventory,
            "waivers": self.waivers,
            "config": self.config,
        }
        return {DATA_ROOT: {name: part for name, part in parts.items() if part is not None}}

    def paths(self) -> dict[str, Any]:
        """What an OPA server is loaded with, each part at its path under /v1/data: only the
        matrix, the same for every run of this version. A run's inventory, waivers and rule
        selection never go into a server's data, where the runs of other pipelines would read
        or overwrite them: they go with each query (`request`)."""
        return {} if self.matrix is None else {f"{DATA_ROOT}/matrix": self.matrix}

    def given(self) -> tuple[str, ...]:
        """The run's parts this data has (RUN_PARTS that are not None)."""
        return tuple(name for name in RUN_PARTS if getattr(self, name) is not None)

    def request(self, document_text: str, parts: tuple[str, ...] = RUN_PARTS) -> str:
        """The input of a query that carries this run's data beside the document, as
        policies/asr_guard/lib/envelope.rego reads it.

        Each of `parts` is sent, empty if the run has none, so that the server's own data is
        not read for it; a part left out is read from the server's data (the central
        inventory of a preloaded server). The document's JSON text goes in as it is: a
        large plan is not serialised again.
        """
        sent = "".join(f',"{name}":{json.dumps(getattr(self, name) or {})}' for name in parts)
        return f'{{"{REQUEST_KEY}":{{"document":{document_text}{sent}}}}}'


@dataclass(frozen=True)
class RuleSelection:
    """Which rules the policies reported (`selected`) and left out (`skipped`) for the run's
    --rule and --skip-rule (policies/asr_guard/lib/selection.rego)."""

    selected: tuple[str, ...]
    skipped: tuple[str, ...]

    @classmethod
    def parse(cls, raw: Any, engine: str, path: str) -> RuleSelection | None:
        if raw is None:
            return None
        parts = [raw.get(key) if isinstance(raw, dict) else None for key in ("selected", "skipped")]
        if not all(isinstance(p, list) and all(isinstance(i, str) for i in p) for p in parts):
            raise EngineError(f"{engine} engine: {path}: malformed rule selection in the decision")
        selected, skipped = parts
        return cls(tuple(selected or ()), tuple(skipped or ()))


@dataclass(frozen=True)
class Decision:
    """What the policies decided for one document: the value of the entrypoint, read and
    checked, whichever engine evaluated it."""

    kind: str
    findings: tuple[Finding, ...]
    applied: tuple[str, ...]  # waivers that covered a finding
    expired: tuple[str, ...]  # waivers that would have, but have expired
    policy_version: Any
    raw: Any = field(repr=False, compare=False)  # the entrypoint's value as the engine gave it
    # The rules the policies reported and left out (report.rules); None: a pack without it.
    rules: RuleSelection | None = field(default=None, compare=False)
    # An OPA server's id of the decision (its decision log's), where it gives one.
    decision_id: str | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, raw: Any, engine: str, path: str, decision_id: str | None = None) -> Decision:
        """Read the entrypoint's value; any other shape means evaluation did not happen."""
        if not isinstance(raw, dict) or not isinstance(raw.get("findings"), list):
            raise EngineError(
                f"{engine} engine: {path}: the policy decision is undefined or malformed"
            )
        findings = sorted(Finding.parse(finding, path, engine) for finding in raw["findings"])
        return cls(
            kind=str(raw.get("kind")),
            findings=tuple(findings),
            applied=_waiver_ids(raw, "applied"),
            expired=_waiver_ids(raw, "expired"),
            policy_version=raw.get("policy_version"),
            raw=raw,
            rules=RuleSelection.parse(raw.get("rules"), engine, path),
            decision_id=decision_id or None,
        )


def _waiver_ids(decision: dict[str, Any], key: str) -> tuple[str, ...]:
    waivers = decision.get("waivers")
    ids = waivers.get(key, []) if isinstance(waivers, dict) else []
    return tuple(str(i) for i in ids) if isinstance(ids, list) else ()
