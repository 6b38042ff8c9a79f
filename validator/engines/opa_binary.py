"""The `opa` binary as the engine: `opa eval` of the policy pack, one process per document.

OPA ships static binaries for every platform (https://www.openpolicyagent.org/docs#running-opa),
so this engine runs wherever the embedded one has no wheel (Alpine, older glibc, Windows on
Arm). The document and this run's inventory and waivers go in on standard input, as the
request that policies/asr_guard/lib/envelope.rego reads; the pack is loaded with --data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Any

from validator.engines.opa_server import check_timeout, request_text
from validator.errors import EngineError, UsageError
from validator.inputs import InputDocument
from validator.policy import ENTRYPOINT, PolicyPack

_VERSION = re.compile(r"^Version:\s*v?(\d+)\.(\d+)", re.MULTILINE)
# Seconds `opa version` may take: it only prints.
_VERSION_TIMEOUT = 30.0


def find(opa_path: str | None) -> str | None:
    """The opa executable: --opa-path if given (which must exist), else `opa` on PATH."""
    if opa_path:
        found = shutil.which(opa_path)
        if found is None:
            raise UsageError(f"--opa-path: not an executable: {opa_path}")
        return found
    return shutil.which("opa")


def _first_error(output: str) -> str:
    """OPA's own first error message (it prints {"errors": [...]} with --format json)."""
    try:
        answer = json.loads(output)
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            message = str(errors[0].get("message", ""))
            location = errors[0].get("location")
            if isinstance(location, dict) and location.get("file"):
                message += f" ({location['file']}:{location.get('row', '?')})"
            return message.splitlines()[0][:300] if message else "failed"
    except ValueError:
        pass
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[0][:300] if lines else "failed"


class OpaBinaryEngine:
    """Evaluates each document with `opa eval` (the whole pack, this run's data in the input)."""

    name = "opa"

    def __init__(
        self,
        executable: str,
        pack: PolicyPack,
        data: dict[str, Any] | None = None,
        *,
        timeout: float,
    ) -> None:
        self.executable = executable
        self._pack = pack
        self._data = data or {}
        self._timeout = check_timeout(timeout)
        major = self._major_version()
        # The pack is Rego v1: OPA 1.x parses it as is, 0.x needs to be told.
        self._syntax = ["--v1-compatible"] if major == 0 else []

    def _run(
        self, arguments: list[str], stdin: bytes, timeout: float
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                [self.executable, *arguments],
                input=stdin,
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "OPA_TELEMETRY": "false"},
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"opa binary {self.executable}: no answer within --opa-timeout {timeout:g} s: "
                "timed out"
            ) from None
        except OSError as exc:
            raise EngineError(
                f"opa binary {self.executable}: cannot run: {exc.strerror or exc}"
            ) from None

    def _major_version(self) -> int:
        done = self._run(["version"], b"", _VERSION_TIMEOUT)
        found = _VERSION.search(done.stdout.decode(errors="replace"))
        if done.returncode != 0 or found is None:
            raise EngineError(
                f"opa binary {self.executable}: `opa version` does not name an OPA version: "
                "is it OPA?"
            )
        return int(found.group(1))

    def evaluate(self, document: InputDocument) -> Any:
        stdin = request_text(document, self._data).encode()
        arguments = [
            "eval", "--format", "json", "--stdin-input", *self._syntax,
            "--data", str(self._pack.root), ENTRYPOINT,
        ]  # fmt: skip
        done = self._run(arguments, stdin, self._timeout)
        where = f"opa binary {self.executable}: {document.path}"
        if done.returncode != 0:
            output = done.stdout.decode(errors="replace") or done.stderr.decode(errors="replace")
            raise EngineError(f"{where}: {_first_error(output)}")
        try:
            answer = json.loads(done.stdout)
            result = answer["result"][0]["expressions"][0]["value"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise EngineError(f"{where}: data.asr_guard.main.report is undefined") from None
        version = result.get("policy_version") if isinstance(result, dict) else None
        if version != self._pack.version:
            raise EngineError(
                f"{where}: policy version {version!r} does not match {self._pack.version!r}"
            )
        return result

    def close(self) -> None:
        """Nothing to release: each evaluation is its own process."""
