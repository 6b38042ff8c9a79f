"""The errors asr-guard reports; the CLI turns each into exit code 2 and one line."""

from __future__ import annotations


class AsrGuardError(Exception):
    """Base class: evaluation could not happen, so the gate must fail closed."""


class UsageError(AsrGuardError):
    """The command line asks for something that cannot be done."""


class InputError(AsrGuardError):
    """A file given by the user cannot be read, parsed or recognised."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")


class EngineError(AsrGuardError):
    """The policy engine failed to load the policies or to evaluate them."""
