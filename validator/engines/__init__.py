"""Policy engines: one interface (Engine, in base.py), and the one place that chooses and
makes them.

--engine embedded  regorus in this process (the default where its wheel is installed);
--engine opa       OPA: the server at --opa-url (ASR_GUARD_OPA_URL) when one is given,
                   else the opa binary (--opa-path, or `opa` on PATH);
--engine auto      a server if --opa-url is given, else embedded, else the opa binary,
                   else exit 2 with the one line that says how to get an engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator import lazy
from validator.engines import embedded
from validator.engines.base import DEFAULT_OPA_BINARY_TIMEOUT, DEFAULT_OPA_TIMEOUT, Engine
from validator.errors import EngineError, UsageError
from validator.policy import PolicyData, PolicyPack

if TYPE_CHECKING:
    from validator.engines import opa_binary, opa_server
else:
    opa_binary = lazy.module("validator.engines.opa_binary")
    opa_server = lazy.module("validator.engines.opa_server")

__all__ = [
    "DEFAULT_OPA_BINARY_TIMEOUT",
    "DEFAULT_OPA_TIMEOUT",
    "NAMES",
    "Engine",
    "create",
    "select",
]

NAMES = ("auto", "embedded", "opa")


def select(requested: str, *, opa_url: str | None = None, opa_path: str | None = None) -> str:
    """The engine a run uses, "embedded" or "opa"; UsageError for options that do not go
    together, EngineError where no engine can be had."""
    if requested not in NAMES:
        raise UsageError(f"unknown engine {requested!r}")
    if requested == "embedded":
        if opa_url:
            raise UsageError("--opa-url needs --engine opa (or auto)")
        return "embedded"
    if requested == "opa" or opa_url:
        return "opa"
    if embedded.available():
        return "embedded"
    if opa_binary.find(opa_path) is not None:
        return "opa"
    raise EngineError(embedded.MISSING)


def create(
    engine: str,
    pack: PolicyPack,
    data: PolicyData,
    *,
    opa_url: str | None = None,
    opa_path: str | None = None,
    preloaded: bool = False,
    timeout: float | None = None,
    ca_bundle: str | None = None,
    client_cert: str | None = None,
    client_key: str | None = None,
    ahead: embedded.Ahead | None = None,
) -> Engine:
    """The engine (as `select` names it) loaded with the pack and the run's data.

    An OPA server gets the run's inventory and waivers with each query; a preloaded one
    (--opa-preloaded, e.g. a bundle with a central inventory) reads its own for what the run
    does not bring. timeout: for one answer of OPA (None: the server's or the binary's
    default); ca_bundle, client_cert, client_key: TLS to the server. ahead: an evaluation
    the embedded engine began (embedded.Ahead), which the embedded engine made here takes
    over (any other closes it).
    """
    if select(engine, opa_url=opa_url, opa_path=opa_path) == "embedded":
        return embedded.EmbeddedEngine(pack, data, ahead)
    if ahead is not None:
        ahead.close()
    if opa_url:
        return opa_server.OpaServerEngine(
            opa_url,
            pack,
            data,
            preloaded=preloaded,
            timeout=DEFAULT_OPA_TIMEOUT if timeout is None else timeout,
            ca_bundle=ca_bundle,
            client_cert=client_cert,
            client_key=client_key,
        )
    if preloaded:
        raise UsageError("--opa-preloaded needs --opa-url")
    executable = opa_binary.find(opa_path)
    if executable is None:
        raise UsageError(
            "--engine opa: no opa binary on PATH (name it with --opa-path) and no --opa-url"
        )
    return opa_binary.OpaBinaryEngine(
        executable,
        pack,
        data,
        timeout=DEFAULT_OPA_BINARY_TIMEOUT if timeout is None else timeout,
    )
