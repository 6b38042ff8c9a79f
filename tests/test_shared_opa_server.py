"""One OPA server shared by many pipelines: each run gets its own verdict, whatever the others do.

The server is the local OPA REST server of tests/opa_rest_server.py (decisions of the real OPA
engine, one data document for every client, as OPA has). To make the interleaving of two runs
certain, it holds the first query until a second query has been answered: run A loads its
inventory and asks, run B (another pipeline, no inventory) loads and asks, then A is answered.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import CORPUS, INVENTORY, MODULE_PLAN, SAFE_PLAN
from tests.opa_rest_server import _Handler, _Server, opa_rest_server, opa_rest_server_state, serve
from tests.schema_check import validate
from validator.check import Checker, Options
from validator.cli import main
from validator.inventory import inventory_data
from validator.policy import load_pack
from validator.result import RunResult

PLAN = MODULE_PLAN
REPLICATED = INVENTORY / "replicated-vms.yaml"


class _HoldingHandler(_Handler):
    server: _HoldingServer

    def do_POST(self) -> None:
        server = self.server
        with server.count_lock:
            server.queries += 1
            first = server.queries == 1
        if first:
            server.first_arrived.set()
            server.second_answered.wait(timeout=10)
            super().do_POST()
        else:
            super().do_POST()
            server.second_answered.set()


class _HoldingServer(_Server):
    def __init__(self) -> None:
        super().__init__()
        self.RequestHandlerClass = _HoldingHandler
        self.count_lock = threading.Lock()
        self.queries = 0
        self.first_arrived = threading.Event()
        self.second_answered = threading.Event()


@contextmanager
def holding_server() -> Iterator[tuple[str, _HoldingServer]]:
    server = _HoldingServer()
    with serve(server) as url:
        yield url, server


def run(options: Options) -> RunResult:
    with Checker(options) as checker:
        return checker.run()


def _rules(result: RunResult) -> list[str]:
    return [finding.rule_id for finding in result.findings if finding.severity == "deny"]


def test_concurrent_runs_with_different_inventories_each_get_their_own_verdict() -> None:
    verdicts: dict[str, Any] = {}
    with holding_server() as (url, server):

        def pipeline(name: str, inventories: list[str]) -> None:
            try:
                verdicts[name] = run(
                    Options(paths=[str(PLAN)], inventories=inventories, opa_url=url)
                )
            except Exception as exc:  # reported below
                verdicts[name] = exc

        a = threading.Thread(target=pipeline, args=("a", [str(REPLICATED)]))
        a.start()
        # B starts once A's query is waiting at the server.
        assert server.first_arrived.wait(timeout=30)
        b = threading.Thread(target=pipeline, args=("b", []))
        b.start()
        a.join(30)
        b.join(30)
    assert isinstance(verdicts["a"], RunResult), verdicts["a"]
    assert isinstance(verdicts["b"], RunResult), verdicts["b"]
    # A's inventory names the VM the restored disk is attached to: A is denied, B is not.
    assert _rules(verdicts["a"]) == ["ASR002"]
    assert not verdicts["a"].passed
    assert _rules(verdicts["b"]) == []


# --- what a run leaves on the server, and what it sends -----------------------------------


def test_a_run_leaves_no_inventory_or_waivers_in_the_servers_data() -> None:
    with opa_rest_server_state() as (url, state):
        result = run(Options(paths=[str(PLAN)], inventories=[str(REPLICATED)], opa_url=url))
    assert _rules(result) == ["ASR002"]
    assert set(state.data["asr_guard"]) == {"matrix"}
    (query,) = state.queries
    request = query["asr_guard_request"]
    assert set(request) == {"document", "inventory", "waivers", "config"}
    assert request["inventory"]["replicated_vms"]
    assert request["config"] == {}  # no rule selection: every rule, whatever the server has


def test_a_preloaded_server_gets_the_runs_rule_selection_with_the_document() -> None:
    with opa_rest_server_state() as (url, state):
        run(Options(paths=[str(PLAN)], opa_url=url))  # loads the pack
        options = Options(
            paths=[str(PLAN)],
            inventories=[str(REPLICATED)],
            opa_url=url,
            opa_preloaded=True,
            skip_rules=["ASR002"],
        )
        result = run(options)
    request = state.queries[1]["asr_guard_request"]
    assert set(request) == {"document", "inventory", "config"}
    assert request["config"] == {"rules": [], "skip_rules": ["ASR002"]}
    assert _rules(result) == [] and result.skipped_rules == ("ASR002",)


def test_a_preloaded_server_gets_the_document_alone() -> None:
    """A server loaded by a bundle keeps its central inventory: the document is the input."""
    with opa_rest_server_state() as (url, state):
        run(Options(paths=[str(PLAN)], opa_url=url))  # loads the pack
        run(Options(paths=[str(PLAN)], opa_url=url, opa_preloaded=True))
    assert "asr_guard_request" in state.queries[0]
    assert "asr_guard_request" not in state.queries[1]
    assert state.queries[1]["resource_changes"]


def test_a_document_that_brings_its_own_request_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = json.loads(PLAN.read_text())
    plan["asr_guard_request"] = {"document": plan.copy(), "inventory": {}}
    path = tmp_path / "spoof.plan.json"
    path.write_text(json.dumps(plan))
    for engine in (["--engine", "embedded"], ["--opa-url", "http://127.0.0.1:9"]):
        assert main(["check", str(path), "--inventory", str(REPLICATED), *engine]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "asr_guard_request" in error


# --- where the server is, and who may ask -------------------------------------------------


def test_a_server_behind_a_gateway_path(capsys: pytest.CaptureFixture[str]) -> None:
    with opa_rest_server(prefix="/policy/opa") as url:
        assert url.endswith("/policy/opa")
        assert main(["check", str(PLAN), "--inventory", str(REPLICATED), "--opa-url", url]) == 1
        capsys.readouterr()
        root = url.removesuffix("/policy/opa")
        assert main(["check", str(PLAN), "--opa-url", root]) == 2
        assert "HTTP 404" in capsys.readouterr().err


def test_a_bearer_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with opa_rest_server(token="s3cr3t-token") as url:
        monkeypatch.delenv("ASR_GUARD_OPA_TOKEN", raising=False)
        assert main(["check", str(PLAN), "--opa-url", url]) == 2
        error = capsys.readouterr().err
        assert "HTTP 401" in error and "ASR_GUARD_OPA_TOKEN" in error
        monkeypatch.setenv("ASR_GUARD_OPA_TOKEN", "s3cr3t-token")
        assert main(["check", str(PLAN), "--inventory", str(REPLICATED), "--opa-url", url]) == 1
    assert "s3cr3t" not in capsys.readouterr().err


def test_a_token_is_not_sent_in_clear_text_to_another_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASR_GUARD_OPA_TOKEN", "s3cr3t-token")
    assert main(["check", str(PLAN), "--opa-url", "http://opa.example.invalid:8181"]) == 2
    error = capsys.readouterr().err
    assert "https" in error and "s3cr3t" not in error


@pytest.mark.parametrize(
    "url", ["http://admin:S3cr3t@127.0.0.1:1", "https://admin:S3cr3t@opa.example.invalid/x"]
)
def test_credentials_in_the_url_are_refused_and_never_printed(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(PLAN), "--opa-url", url]) == 2
    error = capsys.readouterr().err
    assert "credentials" in error
    assert "S3cr3t" not in error and "admin" not in error


@pytest.mark.parametrize("timeout", ["inf", "nan", "0", "-1"])
def test_the_timeout_must_be_a_positive_number(
    timeout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["check", str(PLAN), "--opa-url", "http://127.0.0.1:9", "--opa-timeout", timeout]) == 2
    )
    assert "--opa-timeout" in capsys.readouterr().err


# --- a server that misbehaves --------------------------------------------------------------


@contextmanager
def trickling_server(interval: float) -> Iterator[str]:
    """Sends its headers at once, then one byte of the body every `interval` seconds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve_one(connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000\r\n\r\n"
                )
                while not stop.wait(interval):
                    connection.sendall(b" ")
            except OSError:
                pass

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve_one, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def test_a_trickling_server_cannot_hold_a_run(capsys: pytest.CaptureFixture[str]) -> None:
    with trickling_server(0.1) as url:
        started = time.monotonic()
        assert main(["check", str(PLAN), "--opa-url", url, "--opa-timeout", "1"]) == 2
        took = time.monotonic() - started
    assert took < 5
    assert capsys.readouterr().err.rstrip().endswith("timed out")


class _Redirect(BaseHTTPRequestHandler):
    server: _RedirectServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _redirect(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(307)
        self.send_header("Location", self.server.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_POST = _redirect


class _RedirectServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _Redirect)
        self.target = target


def test_redirects_are_not_followed(capsys: pytest.CaptureFixture[str]) -> None:
    with opa_rest_server_state() as (target, state), serve(_RedirectServer(target)) as url:
        assert main(["check", str(PLAN), "--inventory", str(REPLICATED), "--opa-url", url]) == 2
        assert state.policies == {} and state.queries == []  # nothing reached the other host
    error = capsys.readouterr().err
    assert "redirect" in error and "refused" in error


# --- the decision id in the reports ----------------------------------------------------------


def test_the_servers_decision_ids_are_in_the_json_and_sarif_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif = tmp_path / "report.sarif"
    with opa_rest_server(decision_logs=True) as url:
        args = ["check", str(PLAN), str(SAFE_PLAN)]
        args += ["--opa-url", url, "--format", "json", "--format", "sarif", "--output", str(sarif)]
        assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    ids = [item["decision_id"] for item in report["inputs"]]
    assert len(ids) == 2 and len(set(ids)) == 2
    document = json.loads(sarif.read_text())
    invocation = document["runs"][0]["invocations"][0]
    assert [d["decisionId"] for d in invocation["properties"]["opaDecisions"]] == ids
    validate(report, "report.schema.json")
    schema = json.loads((CORPUS / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(document)


def test_the_embedded_engine_has_no_decision_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(PLAN), "--engine", "embedded", "--format", "json"]) == 0
    assert all("decision_id" not in item for item in json.loads(capsys.readouterr().out)["inputs"])


def test_a_preloaded_server_with_a_central_inventory_and_a_runs_own(tmp_path: Path) -> None:
    """A bundle's central inventory applies unless the run brings its own (--inventory)."""
    pack = load_pack()
    with opa_rest_server_state() as (url, state):
        for name, source in pack.modules:
            state.put_policy(f"bundle/{name}", source)
        state.put_data(["asr_guard", "matrix"], pack.matrix)
        central = inventory_data([str(REPLICATED)])
        state.put_data(["asr_guard", "inventory"], central)
        by_server = run(Options(paths=[str(PLAN)], opa_url=url, opa_preloaded=True))
        empty = tmp_path / "empty.yaml"
        empty.write_text("replicated_vms: []\n")
        own = run(
            Options(paths=[str(PLAN)], inventories=[str(empty)], opa_url=url, opa_preloaded=True)
        )
    assert _rules(by_server) == ["ASR002"]
    assert _rules(own) == []
    assert "asr_guard_request" not in state.queries[0]
    assert set(state.queries[1]["asr_guard_request"]) == {"document", "inventory"}


# --- TLS: a private CA and a client certificate ---------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make certificates")
    d = tmp_path_factory.mktemp("pki")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test CA",
             "-keyout", "ca.key", "-out", "ca.pem", cwd=d)  # fmt: skip
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    for name, extra in (("server", ["-extfile", "san.cnf"]), ("client", [])):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                 "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-out", f"{name}.pem", *extra, cwd=d)  # fmt: skip
    return d


@contextmanager
def tls_server(pki: Path) -> Iterator[str]:
    """The OPA REST server over https, asking every client for a certificate of the CA."""
    server = _Server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    context.load_verify_locations(pki / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serve(server) as url:
        yield url.replace("http://", "https://")


def test_a_client_certificate_and_a_private_ca(
    pki: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with tls_server(pki) as url:
        args = ["check", str(PLAN), "--inventory", str(REPLICATED), "--opa-url", url]
        tls = ["--opa-ca-bundle", str(pki / "ca.pem")]
        client = [
            "--opa-client-cert",
            str(pki / "client.pem"),
            "--opa-client-key",
            str(pki / "client.key"),
        ]
        assert main([*args, *tls, *client]) == 1
        capsys.readouterr()
        assert main([*args, *client]) == 2  # the server's CA is not trusted by default
        assert "TLS" in capsys.readouterr().err
        assert main([*args, *tls]) == 2  # no client certificate
        assert capsys.readouterr().err.count("\n") == 1
