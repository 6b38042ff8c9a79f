"""The `opa` binary as the engine: `opa eval` of the policy pack, then a short-lived server.

OPA ships static binaries for every platform (https://www.openpolicyagent.org/docs#running-opa),
so this engine runs wherever the embedded one has no wheel (Alpine, older glibc, Windows on
Arm). The first document is evaluated with `opa eval`: the document and this run's inventory
and waivers go in on standard input, as the request that policies/asr_guard/lib/envelope.rego
reads, and the pack is loaded with --data. `opa eval` parses and compiles the pack each time,
so for a second document and more the engine starts `opa run --server` with the pack on a
free loopback port, asks it as an OPA server (the run's data in each request) and stops it
when the run ends.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from typing import IO

from validator.documents import InputDocument
from validator.engines.opa_server import OpaServerEngine, check_timeout
from validator.errors import EngineError, UsageError
from validator.policy import ENTRYPOINT, Decision, PolicyData, PolicyPack

_VERSION = re.compile(r"^Version:\s*v?(\d+)\.(\d+)", re.MULTILINE)
# Seconds `opa version` may take: it only prints.
_VERSION_TIMEOUT = 30.0
# Documents evaluated with `opa eval` before a server is started for the rest.
EVALS_BEFORE_SERVER = 1
# Seconds `opa run --server` may take to load the pack and answer /health.
_SERVER_START_TIMEOUT = 30.0


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
        data: PolicyData | None = None,
        *,
        timeout: float,
    ) -> None:
        self.executable = executable
        self._pack = pack
        self._data = data or PolicyData()
        self._timeout = check_timeout(timeout)
        major = self._major_version()
        # The pack is Rego v1: OPA 1.x parses it as is, 0.x needs to be told.
        self._syntax = ["--v1-compatible"] if major == 0 else []
        self._evaluated = 0
        self._server: OpaServerEngine | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

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

    def evaluate(self, document: InputDocument) -> Decision:
        if self._server is None and self._evaluated >= EVALS_BEFORE_SERVER:
            self._server = self._start_server()
        self._evaluated += 1
        if self._server is not None:
            return self._server.evaluate(document)
        return self._eval(document)

    def _eval(self, document: InputDocument) -> Decision:
        stdin = self._data.request(document.text).encode()
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
        return Decision.parse(result, self.name, document.path)

    def _start_server(self) -> OpaServerEngine:
        """`opa run --server` with the pack on a free loopback port, once it answers."""
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        with socket.socket() as probe:  # a free port; OPA binds it a moment later
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        arguments = [
            "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error",
            *self._syntax, str(self._pack.root),
        ]  # fmt: skip
        try:
            self._process = subprocess.Popen(
                [self.executable, *arguments],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                env={**os.environ, "OPA_TELEMETRY": "false"},
            )
        except OSError as exc:
            raise EngineError(
                f"opa binary {self.executable}: cannot run: {exc.strerror or exc}"
            ) from None
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + _SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                reason = _first_error(self._log.read().decode(errors="replace"))
                raise EngineError(f"opa binary {self.executable}: `opa run --server`: {reason}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            # Listening: the pack is loaded (and nothing else: the run's data goes with each
            # query, what it does not have is read as empty).
            return OpaServerEngine(
                url, self._pack, self._data, preloaded=True, timeout=self._timeout
            )
        raise EngineError(
            f"opa binary {self.executable}: `opa run --server` did not start within "
            f"{_SERVER_START_TIMEOUT:g} s: timed out"
        )

    def close(self) -> None:
        """Stops the server, if one was started."""
        if self._server is not None:
            self._server.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log is not None:
            self._log.close()
