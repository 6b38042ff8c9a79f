"""The errors asr-guard reports. The command line turns each into exit code 2 and one line.

    AsrGuardError        evaluation could not happen: the gate fails closed
    ├── UsageError       the command line asks for something that cannot be done
    ├── InputError       a file given by the user cannot be read, parsed or recognised
    ├── EngineError      the policy engine failed to load the policies or to evaluate them
    ├── ExpressionError  an ARM template expression is not well-formed (validator.arm_expressions)
    └── OutputError      a report cannot be written

Each error keeps what it says as data, and its `args` are its constructor's arguments, so
that it survives pickling: an error raised in a worker process (validator.parallel) is
raised again, the same, in the main process.
"""

from __future__ import annotations


class AsrGuardError(Exception):
    """Base class: evaluation could not happen, so the gate must fail closed."""


class UsageError(AsrGuardError):
    """The command line asks for something that cannot be done."""


class InputError(AsrGuardError):
    """A file given by the user cannot be read, parsed or recognised."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        super().__init__(source, reason, line)
        self.source = source
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


class EngineError(AsrGuardError):
    """The policy engine failed to load the policies or to evaluate them."""


class OutputError(AsrGuardError):
    """A report cannot be written where it was asked for."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(target, reason)
        self.target = target
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.target}: cannot write report: {self.reason}"
