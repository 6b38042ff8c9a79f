"""Local HTTP servers that speak OPA's REST API, for tests only (loopback, started by the tests).

`OpaRestServer` answers the calls the `opa` backend makes (PUT /v1/policies/<id>,
PUT /v1/data/<path>, POST /v1/data/<path>, GET /health) with decisions of the real
OPA engine. It stands in for `opa run --server`, whose binary this machine cannot
install; a test runs the same cases against the real binary when one is on PATH.
`FaultyOpaServer` misbehaves on purpose: refuses, stalls, answers 500 or garbage.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

_ABSENT = object()


class _State:
    """Policies and data as OPA stores them; the engine is rebuilt when they change."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.engine: OpaEngine | None = None
        self.queries: list[Any] = []  # the input of each query answered

    def put_policy(self, policy_id: str, source: str) -> None:
        if self.policies.get(policy_id) == source:
            return  # the same module again: OPA's compiled state would not change
        trial = OpaEngine()
        try:
            for name, text in {**self.policies, policy_id: source}.items():
                trial.add_policy(name, text)
        finally:
            trial.close()
        self.policies[policy_id] = source
        self.engine = None

    def put_data(self, path: list[str], value: Any) -> None:
        if self._data_at(path) == value:
            return  # unchanged: keep the compiled engine
        if not path:
            self.data = value
        else:
            node = self.data
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        self.engine = None

    def _data_at(self, path: list[str]) -> Any:
        node: Any = self.data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return _ABSENT
            node = node[key]
        return node

    def evaluate(self, path: list[str], input_value: Any) -> Any:
        if self.engine is None:
            self.engine = OpaEngine()
            for name, text in self.policies.items():
                self.engine.add_policy(name, text)
            self.engine.add_data(self.data)
        return self.engine.eval_document(".".join(path), input_value)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read answers, not logs."""

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, status: int, document: Any = None) -> None:
        payload = b"" if document is None else json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _path(self, prefix: str) -> list[str]:
        return [part for part in self.path.split("?")[0][len(prefix) :].split("/") if part]

    def parse_request(self) -> bool:
        """As a gateway in front of OPA: its path prefix taken off, its bearer token required."""
        if not super().parse_request():
            return False
        server = self.server
        if server.prefix:
            if not self.path.startswith(server.prefix + "/"):
                self.send_error(404)
                return False
            self.path = self.path[len(server.prefix) :]
        if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer(401, {"code": "unauthorized", "message": "missing or bad token"})
            return False
        return True

    def do_GET(self) -> None:
        if self.path.startswith("/health"):
            self._answer(200, {})
        elif self.path.startswith("/v1/policies"):
            self._answer(200, {"result": [{"id": key} for key in self.server.state.policies]})
        else:
            self._answer(404, {"code": "resource_not_found", "message": self.path})

    def do_PUT(self) -> None:
        state = self.server.state
        with state.lock:
            if self.path.startswith("/v1/policies/"):
                policy_id = "/".join(self._path("/v1/policies/"))
                try:
                    state.put_policy(policy_id, self._body().decode())
                except OpaError as exc:
                    self._answer(400, {"code": "invalid_parameter", "message": str(exc)})
                    return
                self._answer(200, {})
            elif self.path.startswith("/v1/data"):
                state.put_data(self._path("/v1/data"), json.loads(self._body() or b"null"))
                self._answer(204)
            else:
                self._answer(404, {"code": "resource_not_found", "message": self.path})

    def do_POST(self) -> None:
        state = self.server.state
        if not self.path.startswith("/v1/data"):
            self._answer(404, {"code": "resource_not_found", "message": self.path})
            return
        request = json.loads(self._body() or b"{}")
        with state.lock:
            try:
                result = state.evaluate(self._path("/v1/data"), request.get("input"))
            except OpaUndefinedError:
                self._answer(200, {})
                return
            except OpaError as exc:
                self._answer(500, {"code": "internal_error", "message": str(exc)})
                return
            state.queries.append(request.get("input"))
        answer: dict[str, Any] = {"result": result}
        if self.server.decision_logs:  # OPA sends the id of each logged decision
            answer["decision_id"] = str(uuid.uuid4())
        self._answer(200, answer)


def _quiet_on_disconnect(server: ThreadingHTTPServer, request: Any, client_address: Any) -> None:
    """A client that gave up (a timeout test) leaves a handler writing to a closed socket: not
    an error of the server, and its traceback would land in the stderr of whichever test runs
    then."""
    if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
        return
    ThreadingHTTPServer.handle_error(server, request, client_address)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        _quiet_on_disconnect(self, request, client_address)

    def __init__(
        self,
        prefix: str = "",
        token: str = "",
        decision_logs: bool = False,
        address: tuple[str, int] = ("127.0.0.1", 0),
    ) -> None:
        super().__init__(address, _Handler)
        self.state = _State()
        self.prefix = prefix.rstrip("/")
        self.token = token
        self.decision_logs = decision_logs


@contextmanager
def serve(server: ThreadingHTTPServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def opa_rest_server(
    prefix: str = "", token: str = "", decision_logs: bool = False
) -> Iterator[str]:
    """An OPA-REST server on loopback backed by the real OPA engine; yields its URL.

    With a prefix it answers only under that path (OPA behind a gateway), with a token only
    requests that carry it, with decision_logs a decision id in each answer.
    """
    with serve(_Server(prefix, token, decision_logs)) as url:
        yield url + prefix


@contextmanager
def opa_rest_server_state(**options: Any) -> Iterator[tuple[str, _State]]:
    """As opa_rest_server, with the server's state (policies, data, queries) to look at."""
    server = _Server(**options)
    with serve(server) as url:
        yield url + server.prefix, server.state


class _FaultyHandler(BaseHTTPRequestHandler):
    server: _FaultyServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _reply(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = self.server.mode
        if mode == "stall":
            time.sleep(self.server.stall_seconds)
        if mode == "500":
            body, status = b'{"code":"internal_error","message":"boom"}', 500
        elif mode == "400":
            body, status = b'{"code":"invalid_parameter","message":"policy rejected"}', 400
        elif mode == "garbage":
            body, status = b"<html>proxy error</html>", 200
        elif mode == "wrong-version":
            body = json.dumps(
                {"result": {"policy_version": "0.0.1", "kind": "terraform-plan", "findings": []}}
            ).encode()
            status = 200
        else:  # "undefined" (and "stall" once it has stalled): no result in the answer
            body, status = b"{}", 200
        if self.command == "PUT" and self.path.startswith("/v1/data") and status == 200:
            status, body = 204, b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = _reply


class _FaultyServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        _quiet_on_disconnect(self, request, client_address)

    def __init__(self, mode: str, stall_seconds: float) -> None:
        super().__init__(("127.0.0.1", 0), _FaultyHandler)
        self.mode = mode
        self.stall_seconds = stall_seconds


@contextmanager
def faulty_server(mode: str, stall_seconds: float = 3.0) -> Iterator[str]:
    """A server that misbehaves: mode is 500, garbage, stall, undefined or wrong-version."""
    with serve(_FaultyServer(mode, stall_seconds)) as url:
        yield url
