"""Reports of a run: the formats, which output each goes to, and writing them.

Each format is a module of this package with a function from a run result to the whole
report as text; a format's module is imported only when it is asked for (validator.lazy).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from validator import lazy
from validator.errors import OutputError, UsageError
from validator.result import RunResult

if TYPE_CHECKING:
    import tempfile
else:
    tempfile = lazy.module("tempfile")

# format -> (its module, the function that renders it)
FORMATS: dict[str, tuple[ModuleType, str]] = {
    "text": (lazy.module("validator.report.text"), "render"),
    "json": (lazy.module("validator.report.json_report"), "render"),
    "sarif": (lazy.module("validator.report.sarif"), "render"),
    "junit": (lazy.module("validator.report.junit"), "render"),
    "github": (lazy.module("validator.report.ci_annotations"), "render_github"),
    "azure": (lazy.module("validator.report.ci_annotations"), "render_azure"),
    "markdown": (lazy.module("validator.report.markdown"), "render"),
}


def render(fmt: str, result: RunResult, color: bool = False) -> str:
    """The whole report in one format."""
    module, function = FORMATS[fmt]
    renderer: Callable[[RunResult, bool], str] = getattr(module, function)
    return renderer(result, color)


def targets(events: Sequence[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """[(format, output file or None for stdout)] from --format and --output in the order
    given: an --output goes with the --format before it.

    An --output given before any --format goes with the first format (text if none).
    """
    pairs: list[list[str | None]] = []
    leading: str | None = None
    for option, value in events:
        if option == "format":
            pairs.append([value, None])
        elif pairs:
            if pairs[-1][1] is not None:
                raise UsageError(f"two --output for one --format {pairs[-1][0]}")
            pairs[-1][1] = value
        elif leading is None:
            leading = value
        else:
            raise UsageError("two --output before any --format")
    if not pairs:
        pairs.append(["text", None])
    if leading is not None:
        if pairs[0][1] is not None:
            raise UsageError(f"two --output for one --format {pairs[0][0]}")
        pairs[0][1] = leading
    if sum(1 for _, output in pairs if output is None) > 1:
        raise UsageError("only one --format can write to standard output: give the others --output")
    return [(str(fmt), output) for fmt, output in pairs]


def write(path: str, content: str) -> None:
    """Write a report file whole or not at all: a reader never sees half a report."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(path, str(exc.strerror)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(path, str(exc.strerror)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
