"""Policy engines: one interface, an embedded backend and an OPA server backend."""

from __future__ import annotations

from typing import Any, Protocol

from validator.inputs import InputDocument

# Seconds an OPA server may take for one request (--opa-timeout).
DEFAULT_OPA_TIMEOUT = 10.0


class Engine(Protocol):
    """Evaluates the policy pack's entrypoint for one document at a time."""

    name: str

    def evaluate(self, document: InputDocument) -> Any:
        """The entrypoint's value (the policy report object) for this document."""
        ...

    def close(self) -> None: ...
