"""What every input kind provides (Kind), what a run gives the kinds (RunContext), and the
defaults most kinds use."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from validator.documents import InputDocument
from validator.findings import Finding, Location
from validator.loading import Loaded
from validator.locate import positions
from validator.waivers import Waiver

if TYPE_CHECKING:
    from validator.arm import TemplateContext


@dataclass
class RunContext:
    """What the kinds read besides a document, and what they keep between the documents of
    one run. It goes to worker processes to prepare documents (validator.parallel), without
    the caches, which only the main process fills."""

    tf_dir: str | None = None  # terraform-plan: the configuration the plans came from
    # arm-template: what --parameters and --scope give (None: neither was given; each
    # template is read with the parameters files paired with it)
    template: TemplateContext | None = None
    caches: dict[str, Any] = field(default_factory=dict)  # each kind's own, by kind name


class Kind(Protocol):
    """An input kind: a module of validator.kinds with these names (see arm_whatif.py, a
    whole kind made mostly of the defaults below)."""

    NAME: str  # "terraform-plan": the kind the policies report (data.asr_guard.main.report)
    DESCRIPTION: str  # in messages: "not a valid <DESCRIPTION>"
    SCHEMA: str  # its JSON Schema in schemas/
    # Whether locate, inline_waivers and unresolved read the document's text or value
    # rather than only its path: when they do not, a worker process that checked a JSON
    # document of this kind sends back a reference to the file, not the document.
    NEEDS_DOCUMENT: bool

    def detect(self, value: Any) -> bool:
        """Whether a parsed file is of this kind (before its schema is checked)."""
        ...

    def validate(self, source: str, value: Any) -> None:
        """Raise InputError for what its schema cannot say (the schema holds already)."""
        ...

    def prepare(self, loaded: Loaded, context: RunContext) -> tuple[str, Any]:
        """The JSON text and the value the policies read."""
        ...

    def locate(
        self, document: InputDocument, findings: list[Finding], context: RunContext
    ) -> tuple[list[Finding], tuple[str, ...]]:
        """The findings with the file and line they point at, and notes on what was not found."""
        ...

    def inline_waivers(self, document: InputDocument, context: RunContext) -> list[Waiver]:
        """Waivers written in comments where the input allows them."""
        ...

    def unresolved(self, document: InputDocument) -> tuple[str, ...]:
        """What the policies could not read because it is known only later, and why."""
        ...


# --- defaults --------------------------------------------------------------------------


def no_extra_checks(source: str, value: Any) -> None:
    """The schema says it all."""


def as_json_text(loaded: Loaded, context: RunContext) -> tuple[str, Any]:
    """The document as it is: a JSON file's own text, a YAML one re-serialised."""
    text = loaded.text if loaded.syntax == "json" else json.dumps(loaded.value)
    return text, loaded.value


def locate_by_pointer(
    document: InputDocument, findings: list[Finding], context: RunContext
) -> tuple[list[Finding], tuple[str, ...]]:
    """Each finding at the line of its JSON pointer in the file as written."""
    pointers = {finding.pointer for finding in findings if finding.pointer}
    found = positions(document.source_text, document.syntax, pointers)
    return [
        finding.located(Location(document.path, *found[finding.pointer]))
        if finding.pointer in found
        else finding
        for finding in findings
    ], ()


def no_inline_waivers(document: InputDocument, context: RunContext) -> list[Waiver]:
    return []


def nothing_unresolved(document: InputDocument) -> tuple[str, ...]:
    return ()


# --- helpers ---------------------------------------------------------------------------


def first_repeat(keys: Iterable[Hashable]) -> tuple[int, int] | None:
    """(first, second): where the first key met twice is, each time; None if none is."""
    listed = list(keys)
    if len(set(listed)) == len(listed):
        return None  # the usual answer, told by one set (a plan has thousands of keys)
    seen: dict[Hashable, int] = {}
    for i, key in enumerate(listed):
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None
