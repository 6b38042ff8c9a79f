"""The OPA server engine: a real OPA server over its REST API (a shared one is safe to use).

Each run sends its own replication inventory and waivers with every query, inside the
input ({"asr_guard_request": {"document", "inventory", "waivers"}}, written by
validator.policy.PolicyData.request and read by policies/asr_guard/lib/envelope.rego), never
as the server's data: runs of other pipelines against the same server cannot see or
overwrite them. Loading the policy pack (unless the
server has it already, e.g. from a bundle) writes only what is the same for every run of
this asr-guard version: the Rego modules and the support matrix.

The REST calls are made here with requests rather than through an OPA client library,
because a shared server needs what those libraries do not offer: one deadline for a whole
request (a server that trickles bytes cannot hold a run), no redirects, a URL with a path
prefix (OPA behind a gateway), TLS client certificates and OPA's decision id.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from validator.documents import InputDocument
from validator.engines.base import DEFAULT_OPA_TIMEOUT
from validator.errors import EngineError, UsageError
from validator.policy import RUN_PARTS, Decision, PolicyData, PolicyPack

POLICY_ID_PREFIX = "asr-guard"
DECISION_PATH = "asr_guard/main/report"
TOKEN_VARIABLE = "ASR_GUARD_OPA_TOKEN"  # noqa: S105 (the name of the variable)
# An answer larger than this is refused (a report is kilobytes; this bounds memory).
MAX_ANSWER_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ServerUrl:
    base: str  # scheme://host[:port][/prefix], without a trailing slash
    host: str
    https: bool

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_url(url: str) -> ServerUrl:
    """The server's URL: http(s)://host[:port][/path prefix]; never one with credentials."""
    parts = urlsplit(url.strip())
    if "@" in parts.netloc:
        # Never echoed: the user name and password would end up in CI logs.
        raise UsageError(
            "--opa-url carries credentials (user:password@): refused; give a bearer token "
            f"in {TOKEN_VARIABLE} or a client certificate (--opa-client-cert)"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--opa-url must be http(s)://host[:port][/path], not {url!r}")
    if parts.query or parts.fragment:
        raise UsageError(f"--opa-url takes no query or fragment: {url!r}")
    try:
        parts.port  # noqa: B018 (validates it)
    except ValueError:
        raise UsageError(f"--opa-url has an invalid port: {url!r}") from None
    base = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    return ServerUrl(base, parts.hostname, parts.scheme == "https")


def check_timeout(timeout: float) -> float:
    if not (isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0):
        raise UsageError(f"--opa-timeout must be a positive number of seconds, not {timeout!r}")
    return float(timeout)


class _Timeout(Exception):
    pass


class OpaServerEngine:
    """Loads the policy pack into the server (unless preloaded) and queries it per document."""

    name = "opa"

    def __init__(
        self,
        url: str,
        pack: PolicyPack,
        data: PolicyData | None = None,
        *,
        preloaded: bool = False,
        timeout: float = DEFAULT_OPA_TIMEOUT,
        ca_bundle: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
    ) -> None:
        self._url = parse_url(url)
        self.url = self._url.base
        self._timeout = check_timeout(timeout)
        self._pack = pack
        # The pack's own matrix, unless the run's data brings one.
        data = data or PolicyData()
        self._data = data if data.matrix is not None else replace(data, matrix=pack.matrix)
        # What this run's data overrides of the server's: everything, unless the server was
        # loaded with its own (--opa-preloaded, e.g. a bundle with a central inventory); then
        # only what the run brings (--inventory, waivers). With nothing, the document alone
        # is the input.
        self._parts = self._data.given() if preloaded else RUN_PARTS
        # urllib3 logs each retry as a warning on stderr; the error line we print says it all.
        logging.getLogger("urllib3").setLevel(logging.ERROR)
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "asr-guard"
        token = os.environ.get(TOKEN_VARIABLE)
        if token:
            if not self._url.https and not self._url.loopback:
                raise UsageError(
                    f"{TOKEN_VARIABLE} is set but --opa-url is plain http to another host: "
                    "the token would cross the network in clear text; use https"
                )
            self._session.headers["Authorization"] = f"Bearer {token.strip()}"
        if client_key and not client_cert:
            raise UsageError("--opa-client-key needs --opa-client-cert")
        for option, path in (
            ("--opa-ca-bundle", ca_bundle),
            ("--opa-client-cert", client_cert),
            ("--opa-client-key", client_key),
        ):
            if path is not None and not Path(path).is_file():
                raise UsageError(f"{option}: no such file: {path}")
        # Given with each request: requests lets REQUESTS_CA_BUNDLE override a session's own.
        self._verify: str | bool = ca_bundle or True
        self._cert = (client_cert, client_key) if client_cert and client_key else client_cert
        if not preloaded:
            self._load(pack)

    # --- HTTP, each request within one deadline -------------------------------------------

    def _exchange(self, method: str, path: str, body: bytes, deadline: float) -> tuple[int, bytes]:
        remaining = max(deadline - time.monotonic(), 0.001)
        response = self._session.request(
            method,
            self._url.base + path,
            data=body,
            headers={
                "Content-Type": "text/plain"
                if path.startswith("/v1/policies/")
                else "application/json"
            },
            timeout=(remaining, remaining),
            allow_redirects=False,
            stream=True,
            verify=self._verify,
            cert=self._cert,
        )
        with response:
            if 300 <= response.status_code < 400:
                target = urlsplit(response.headers.get("Location", ""))
                where = f" to {target.scheme}://{target.hostname}" if target.hostname else ""
                raise EngineError(
                    f"answered with a redirect{where} (HTTP {response.status_code}): refused; "
                    "give --opa-url the server's own address"
                )
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                if time.monotonic() > deadline:
                    raise _Timeout
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise EngineError(f"answer larger than {MAX_ANSWER_BYTES} bytes: refused")
                chunks.append(chunk)
            if time.monotonic() > deadline:
                raise _Timeout
            return response.status_code, b"".join(chunks)

    def _request(self, what: str, method: str, path: str, body: bytes) -> Any:
        """The JSON answer of one request, which must come complete within the timeout."""
        deadline = time.monotonic() + self._timeout
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["answer"] = self._exchange(method, path, body, deadline)
            except BaseException as exc:  # carried to the caller's thread
                outcome["error"] = exc

        # A thread, so that the deadline holds whatever the server does: requests bounds
        # each read, not the whole answer. A server that never finishes keeps only it.
        worker = threading.Thread(target=work, name="asr-guard-opa-request", daemon=True)
        worker.start()
        worker.join(self._timeout + 0.5)
        error = outcome.get("error")
        if worker.is_alive() or isinstance(error, _Timeout | requests.Timeout):
            raise self._fail(
                what, f"no complete answer within --opa-timeout {self._timeout:g} s: timed out"
            )
        if isinstance(error, EngineError):
            raise self._fail(what, str(error))
        if error is not None:
            raise self._fail(what, _reason(error))
        status, payload = outcome["answer"]
        if status == 401 or status == 403:
            hint = "" if TOKEN_VARIABLE in os.environ else f" (is {TOKEN_VARIABLE} set?)"
            raise self._fail(what, f"HTTP {status}: not authorised{hint}")
        if not 200 <= status < 300:
            raise self._fail(what, f"HTTP {status}{_opa_message(payload)}")
        if not payload:
            return None
        try:
            return json.loads(payload)
        except ValueError:
            raise self._fail(what, "the answer is not JSON") from None

    def _fail(self, what: str, reason: str) -> EngineError:
        return EngineError(f"OPA server {self.url}: {what}: {reason}")

    # --- the policy pack and the queries ------------------------------------------------

    def _load(self, pack: PolicyPack) -> None:
        for module_name, source in pack.modules:
            policy_id = quote(f"{POLICY_ID_PREFIX}/{module_name}", safe="/")
            self._request(
                "loading policies into", "PUT", f"/v1/policies/{policy_id}", source.encode()
            )
        for path, part in self._data.paths().items():
            self._request(
                "loading policies into", "PUT", f"/v1/data/{path}", json.dumps(part).encode()
            )

    def evaluate(self, document: InputDocument) -> Decision:
        parts = self._parts
        text = self._data.request(document.text, parts) if parts else document.text
        body = f'{{"input":{text}}}'
        answer = self._request(
            f"evaluating {document.path}", "POST", f"/v1/data/{DECISION_PATH}", body.encode()
        )
        if not isinstance(answer, dict) or "result" not in answer:
            raise EngineError(
                f"OPA server {self.url}: data.asr_guard.main.report is undefined "
                "(is the asr-guard policy pack loaded?)"
            )
        result = answer["result"]
        version = result.get("policy_version") if isinstance(result, dict) else None
        if version != self._pack.version:
            raise EngineError(
                f"OPA server {self.url}: policy version {version!r} does not match "
                f"this asr-guard's {self._pack.version!r}"
            )
        decision_id = answer.get("decision_id")
        return Decision.parse(
            result, self.name, document.path, decision_id if isinstance(decision_id, str) else None
        )

    def close(self) -> None:
        self._session.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed (--opa-ca-bundle, --opa-client-cert)"
    if isinstance(exc, requests.ConnectionError):
        return "cannot connect"
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    return type(exc).__name__


def _opa_message(payload: bytes) -> str:
    """OPA's own one-line reason from an error answer ({"code", "message"}), if any."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return ""
    message = answer.get("message") if isinstance(answer, dict) else None
    return f": {message.splitlines()[0][:200]}" if isinstance(message, str) and message else ""
