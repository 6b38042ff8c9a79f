"""Input documents: read, recognised, checked and prepared for the engines.

load -> identify -> validate -> prepare: the file is read (JSON or YAML), its kind
recognised by content (validator.kinds, which refuses a file shaped as an envelope around
a document), checked against the kind's JSON Schema and the kind's own checks, and turned
into what the policies read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from validator import bounds, kinds, loading, schemas
from validator.documents import InputDocument
from validator.errors import InputError
from validator.files import Candidate
from validator.kinds import Kind, RunContext


def load_input(
    candidate: Candidate,
    max_bytes: int = loading.DEFAULT_MAX_BYTES,
    context: RunContext | None = None,
    on_json_text: Callable[[str], None] | None = None,
) -> InputDocument | None:
    """The document, or None for a scanned file of no supported kind.

    A named file must be a supported kind. A scanned file that parses but is of
    another kind (package.json, a CI workflow, ...) is skipped, but one that is
    unreadable or does not parse is an error: it may be a broken input.
    on_json_text: see loading.load.
    """
    loaded = loading.load(candidate.path, max_bytes, on_json_text)
    kind = kinds.identify(candidate.path, loaded.value)
    if kind is None:
        if candidate.scanned:
            return None
        raise InputError(
            candidate.path, f"not a supported input: expected one of: {kinds.SUPPORTED}"
        )
    with bounds.named(candidate.path, loaded.text, "checking"):
        validate(candidate.path, loaded.value, kind)
        text, value = kind.prepare(loaded, context or RunContext())
    return InputDocument(candidate.path, kind.NAME, text, value, loaded.text, loaded.syntax)


def validate(source: str, value: Any, kind: Kind) -> None:
    """Raise InputError if value is not a valid document of its kind."""
    schemas.check(source, value, kind.SCHEMA, kind.DESCRIPTION)
    kind.validate(source, value)
