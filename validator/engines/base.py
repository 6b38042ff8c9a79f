"""What every policy engine provides."""

from __future__ import annotations

from typing import Protocol

from validator.documents import InputDocument
from validator.policy import Decision

# Seconds an OPA server may take for one request (--opa-timeout).
DEFAULT_OPA_TIMEOUT = 10.0
# Seconds the opa binary may take for one document (--opa-timeout): it parses and compiles
# the pack and reads the whole input each time.
DEFAULT_OPA_BINARY_TIMEOUT = 120.0


class Engine(Protocol):
    """Evaluates the policy pack's entrypoint for one document at a time."""

    name: str

    def evaluate(self, document: InputDocument) -> Decision:
        """What the policies decide for this document."""
        ...

    def close(self) -> None: ...
