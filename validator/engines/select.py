"""Which engine evaluates a run, and making it.

--engine embedded  regorus in this process (the default where its wheel is installed);
--engine opa       OPA: the server at --opa-url (ASR_GUARD_OPA_URL) when one is given,
                   else the opa binary (--opa-path, or `opa` on PATH);
--engine auto      a server if --opa-url is given, else embedded, else the opa binary,
                   else exit 2 with the one line that says how to get an engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.engines import DEFAULT_OPA_BINARY_TIMEOUT, DEFAULT_OPA_TIMEOUT, Engine, embedded
from validator.errors import EngineError, UsageError
from validator.policy import PolicyPack

if TYPE_CHECKING:
    from validator.check import Options

ENGINES = ("auto", "embedded", "opa")


def engine_name(options: Options) -> str:
    """ "embedded" or "opa" for this run; raises where no engine can be had."""
    if options.engine not in ENGINES:
        raise UsageError(f"unknown engine {options.engine!r}")
    if options.engine == "embedded":
        if options.opa_url:
            raise UsageError("--opa-url needs --engine opa (or auto)")
        return "embedded"
    if options.engine == "opa" or options.opa_url:
        return "opa"
    if embedded.available():
        return "embedded"
    from validator.engines.opa_binary import find

    if find(options.opa_path) is not None:
        return "opa"
    raise EngineError(embedded.MISSING)


def create(options: Options, pack: PolicyPack, data: dict[str, Any]) -> Engine:
    """The engine for this run, loaded with the pack; `data` is the run's own data document."""
    name = engine_name(options)
    if name == "embedded":
        return embedded.EmbeddedEngine(pack, data)
    if options.opa_url:
        if options.opa_preloaded and not options.inventories:
            # The server's central inventory applies: this run has none of its own to send.
            data = {"asr_guard": {k: v for k, v in data["asr_guard"].items() if k != "inventory"}}
        # Imported here: requests costs a run on the embedded engine (a pre-commit hook) time.
        from validator.engines.opa_server import OpaServerEngine

        return OpaServerEngine(
            options.opa_url,
            pack,
            data,
            preloaded=options.opa_preloaded,
            timeout=_timeout(options, DEFAULT_OPA_TIMEOUT),
            ca_bundle=options.opa_ca_bundle,
            client_cert=options.opa_client_cert,
            client_key=options.opa_client_key,
        )
    if options.opa_preloaded:
        raise UsageError("--opa-preloaded needs --opa-url")
    from validator.engines.opa_binary import OpaBinaryEngine, find

    executable = find(options.opa_path)
    if executable is None:
        raise UsageError(
            "--engine opa: no opa binary on PATH (name it with --opa-path) and no --opa-url"
        )
    return OpaBinaryEngine(
        executable, pack, data, timeout=_timeout(options, DEFAULT_OPA_BINARY_TIMEOUT)
    )


def _timeout(options: Options, default: float) -> float:
    return default if options.opa_timeout is None else options.opa_timeout
