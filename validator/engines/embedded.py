"""The embedded engine: regorus, an in-process Rego interpreter (no server).

regorus comes from the gordon-to-regorus wheel, which exists for Linux (glibc 2.34+)
x86-64/arm64, Windows x86-64 and macOS only. Where it is not installed, asr-guard still
runs and evaluates with OPA instead (validator.engines.opa_binary, opa_server).
"""

from __future__ import annotations

import json
import os
from typing import Any

from validator.documents import InputDocument
from validator.errors import EngineError, InputError
from validator.policy import ENTRYPOINT, Decision, PolicyData, PolicyPack

# regorus prints a Rust backtrace into every error message when this is set;
# our errors are one line. Must be set before the first error is raised.
os.environ["RUST_BACKTRACE"] = "0"

try:
    import regorus
except ImportError:  # no wheel for this platform, or installed without the `embedded` extra
    regorus = None

# The one line a run prints where the embedded engine is missing and nothing else was asked for.
MISSING = (
    "no embedded engine on this machine (the regorus wheel is not installed: "
    "pip install 'asr-guard[embedded]' on Linux x86-64/arm64 with glibc 2.34+); "
    "evaluate with OPA instead: put the opa binary on PATH or name it with --opa-path "
    "(--engine opa), or give an OPA server with --opa-url"
)


def available() -> bool:
    """Whether the embedded engine can run here."""
    return regorus is not None


# A Rust panic inside regorus reaches Python as pyo3's PanicException, which derives from
# BaseException, not Exception: the engine catches these too, all but the interpreter's own.
_NOT_ENGINE_FAULTS = (KeyboardInterrupt, SystemExit, GeneratorExit)


def first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # regorus errors read "--> file:row:col | ... | error: message": keep location and message.
    location = next((line for line in lines if line.startswith("-->")), "")
    message = next((line for line in lines if line.startswith("error:")), lines[0] if lines else "")
    return f"{message} {location}".strip() or type(exc).__name__


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, pack: PolicyPack, data: PolicyData | None = None) -> None:
        if regorus is None:
            raise EngineError(MISSING)
        self._engine = regorus.Engine()
        try:
            for module_name, source in pack.modules:
                self._engine.add_policy(module_name, source)
            # One document (regorus does not deep-merge documents added one after
            # another), as JSON text: its Python binding turns bool values into 0/1.
            self._engine.add_data_json(json.dumps((data or PolicyData(pack.matrix)).document()))
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:  # regorus raises RuntimeError, ValueError, panics
            raise EngineError(f"embedded engine: cannot load policies: {first_line(exc)}") from None

    def add_test_modules(self, pack: PolicyPack) -> None:
        try:
            for module_name, source in pack.test_modules:
                self._engine.add_policy(module_name, source)
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:
            raise EngineError(f"embedded engine: cannot load tests: {first_line(exc)}") from None

    def query(self, rule: str) -> Any:
        """Evaluate a rule path; None when it is undefined."""
        try:
            return json.loads(self._engine.eval_rule_as_json(rule))
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:
            raise EngineError(f"embedded engine: {rule}: {first_line(exc)}") from None

    def evaluate(self, document: InputDocument) -> Decision:
        self.read(document)
        return Decision.parse(self.query(ENTRYPOINT), self.name, document.path)

    def read(self, document: InputDocument) -> None:
        """Make this document the input of the queries that follow."""
        try:
            self._engine.set_input_json(document.text)
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:
            reason = first_line(exc)
            if "recursion limit exceeded" in reason:
                # serde_json, inside regorus, reads at most 128 levels of nesting.
                raise InputError(document.path, "nested deeper than 128 levels: refused") from None
            raise EngineError(f"embedded engine: {document.path}: {reason}") from None

    def close(self) -> None:
        """Nothing to release: the engine lives in this process."""
