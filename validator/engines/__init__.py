"""Policy engines: one interface, an embedded backend and an OPA server backend."""

from __future__ import annotations

from typing import Any, Protocol

from validator.inputs import InputDocument

# Seconds an OPA server may take for one request (--opa-timeout).
DEFAULT_OPA_TIMEOUT = 10.0
# Seconds the opa binary may take for one document (--opa-timeout): it parses and compiles
# the pack and reads the whole input each time.
DEFAULT_OPA_BINARY_TIMEOUT = 120.0

# The key of a request that carries its own data (policies/asr_guard/lib/envelope.rego):
# {"asr_guard_request": {"document", "inventory", "waivers"}}. A user's document may not
# have it at its top level (validator.inputs refuses it): it could bring its own data.
REQUEST_KEY = "asr_guard_request"


class Engine(Protocol):
    """Evaluates the policy pack's entrypoint for one document at a time."""

    name: str

    def evaluate(self, document: InputDocument) -> Any:
        """The entrypoint's value (the policy report object) for this document."""
        ...

    def close(self) -> None: ...
