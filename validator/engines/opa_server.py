"""The OPA server engine: a real OPA server over its REST API, through opa-python-client."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from opa_client.opa import OpaClient

from validator.documents import InputDocument
from validator.engines.base import DEFAULT_OPA_TIMEOUT
from validator.errors import EngineError, UsageError
from validator.policy import Decision, PolicyData, PolicyPack

POLICY_ID_PREFIX = "asr-guard"
DECISION_PACKAGE = "asr_guard/main"
DECISION_RULE = "report"


def parse_url(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--opa-url must be http(s)://host[:port], not {url!r}")
    if parts.path not in ("", "/"):
        raise UsageError(f"--opa-url takes the server's root URL, without a path: {url!r}")
    https = parts.scheme == "https"
    try:
        port = parts.port or (443 if https else 80)
    except ValueError:
        raise UsageError(f"--opa-url has an invalid port: {url!r}") from None
    return parts.hostname, port, https


def _reason(exc: BaseException) -> str:
    if isinstance(exc, requests.Timeout) or "timed out" in str(exc):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "cannot connect"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


class OpaServerEngine:
    """Loads the policy pack and data into the server (unless preloaded) and queries it."""

    name = "opa"

    def __init__(
        self,
        url: str,
        pack: PolicyPack,
        data: PolicyData | None = None,
        *,
        preloaded: bool = False,
        timeout: float = DEFAULT_OPA_TIMEOUT,
    ) -> None:
        host, port, https = parse_url(url)
        # urllib3 logs each retry as a warning on stderr; the error line we print says it all.
        logging.getLogger("urllib3").setLevel(logging.ERROR)
        self.url = url.rstrip("/")
        self._pack = pack
        self._client = OpaClient(host=host, port=port, ssl=https, timeout=timeout, retries=1)
        if not preloaded:
            self._call("loading policies into", lambda: self._load(pack, data))

    def _call(self, what: str, action: Any) -> Any:
        try:
            return action()
        except EngineError:
            raise
        except Exception as exc:  # requests, opa_client errors and bad JSON bodies alike
            raise EngineError(f"OPA server {self.url}: {what}: {_reason(exc)}") from None

    def _load(self, pack: PolicyPack, data: PolicyData | None) -> None:
        for module_name, source in pack.modules:
            self._client.update_policy_from_string(
                source, f"{POLICY_ID_PREFIX}/{module_name}", rego_compat=False
            )
        for path, part in (data or PolicyData(pack.matrix)).paths().items():
            self._client.update_or_create_data(part, path)

    def evaluate(self, document: InputDocument) -> Decision:
        answer = self._call(
            f"evaluating {document.path}",
            lambda: self._client.query_rule(document.value, DECISION_PACKAGE, DECISION_RULE),
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
        return Decision.parse(result, self.name, document.path)

    def close(self) -> None:
        self._client.close_connection()
