"""Policy engines: one interface (Engine), the embedded engine (regorus, in process) and an
OPA server, and the one place that chooses and makes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator import lazy
from validator.engines.base import DEFAULT_OPA_TIMEOUT, Engine
from validator.engines.embedded import EmbeddedEngine
from validator.errors import UsageError
from validator.policy import PolicyData, PolicyPack

if TYPE_CHECKING:
    from validator.engines import opa_server
else:
    opa_server = lazy.module("validator.engines.opa_server")

__all__ = ["DEFAULT_OPA_TIMEOUT", "NAMES", "Engine", "create", "select"]

NAMES = ("auto", "embedded", "opa")


def select(
    requested: str, opa_url: str | None, *, preloaded: bool = False, own_data: bool = False
) -> str:
    """The engine a run uses, "embedded" or "opa" ("auto": opa when a server URL is given);
    UsageError for options that do not go together. own_data: the run brings inventory or
    waivers files, which a preloaded server would not read."""
    engine = ("opa" if opa_url else "embedded") if requested == "auto" else requested
    if engine == "embedded":
        if opa_url:
            raise UsageError("--opa-url needs --engine opa (or auto)")
    elif engine == "opa":
        if not opa_url:
            raise UsageError("--engine opa needs --opa-url URL (or ASR_GUARD_OPA_URL)")
        if preloaded and own_data:
            raise UsageError(
                "--inventory and --waivers cannot be used with --opa-preloaded: "
                "the server's own data is used"
            )
    else:
        raise UsageError(f"unknown engine {engine!r}")
    return engine


def create(
    engine: str,
    pack: PolicyPack,
    data: PolicyData,
    *,
    opa_url: str | None = None,
    preloaded: bool = False,
    timeout: float = DEFAULT_OPA_TIMEOUT,
) -> Engine:
    """An engine (as `select` names it) loaded with the pack and the run's data; a
    preloaded OPA server keeps its own."""
    if select(engine, opa_url) == "embedded":
        return EmbeddedEngine(pack, data)
    assert opa_url is not None  # select said so
    return opa_server.OpaServerEngine(
        opa_url, pack, None if preloaded else data, preloaded=preloaded, timeout=timeout
    )
