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
from validator.report.paths import ReportOptions
from validator.report.wording import NO_INVENTORY, no_inventory_note, undecided_headline
from validator.result import RunResult

__all__ = [
    "NO_INVENTORY",
    "ReportOptions",
    "no_inventory_note",
    "undecided_headline",
]

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


# The format an --output file's extension asks for, when no --format is given.
EXTENSIONS = {
    ".sarif": "sarif",
    ".json": "json",
    ".xml": "junit",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}


def render(fmt: str, result: RunResult, options: ReportOptions | None = None) -> str:
    """The whole report in one format."""
    module, function = FORMATS[fmt]
    renderer: Callable[[RunResult, ReportOptions], str] = getattr(module, function)
    return renderer(result, options or ReportOptions())


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
        guessed = EXTENSIONS.get(Path(leading).suffix.lower(), "text") if leading else "text"
        pairs.append([guessed, None])
    if leading is not None:
        if pairs[0][1] is not None:
            raise UsageError(f"two --output for one --format {pairs[0][0]}")
        pairs[0][1] = leading
    for pair in pairs:
        if pair[1] is not None and not pair[1].strip():
            raise UsageError(f"--output for --format {pair[0]} is empty: name a file")
    if sum(1 for _, output in pairs if output is None) > 1:
        raise UsageError("only one --format can write to standard output: give the others --output")
    return [(str(fmt), output) for fmt, output in pairs]


def refuse_inputs_as_outputs(outputs: Sequence[str], inputs: Sequence[str]) -> None:
    """An --output that is one of the inputs (the same file) would replace it: refused."""
    named = []
    for path in inputs:
        try:
            named.append(Path(path).stat())
        except OSError:
            continue
    for output in outputs:
        try:
            status = Path(output).stat()
        except OSError:
            continue
        if any(status.st_ino == s.st_ino and status.st_dev == s.st_dev for s in named):
            raise UsageError(f"--output {output} is an input: it would be overwritten")


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
        # mkstemp makes the file 0600; a report is created as any file is (the umask),
        # so a CI step running as another user can read and upload it.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(path, str(exc.strerror)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
