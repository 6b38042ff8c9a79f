"""Input documents: finding them, recognising their kind and checking their shape."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator import loading, schemas
from validator.errors import InputError

TERRAFORM_PLAN = "terraform-plan"

# Files a directory scan picks up; other files in a scanned directory are not inputs.
SCAN_SUFFIXES = (".json",)
_SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "__pycache__"}


@dataclass(frozen=True)
class InputDocument:
    """One document to evaluate: where it came from, its kind, its JSON text and value."""

    path: str
    kind: str
    text: str
    value: Any


def detect_kind(value: Any) -> str | None:
    if (
        isinstance(value, dict)
        and "format_version" in value
        and (
            "terraform_version" in value or "resource_changes" in value or "planned_values" in value
        )
    ):
        return TERRAFORM_PLAN
    return None


@dataclass(frozen=True)
class Candidate:
    """A path to check; found by a directory scan rather than named by the user."""

    path: str
    scanned: bool = False


def load_input(
    candidate: Candidate, max_bytes: int = loading.DEFAULT_MAX_BYTES
) -> InputDocument | None:
    """The document, or None for a scanned file of no supported kind.

    A named file must be a supported kind. A scanned file that is valid JSON of
    another kind (package.json, tsconfig.json, ...) is skipped, but one that is
    unreadable or not valid JSON is an error: it may be a broken plan.
    """
    source = candidate.path
    text = loading.decode(source, loading.read_bytes(source, max_bytes))
    if not loading.looks_like_json(text):
        raise InputError(source, "not a supported input: expected a JSON document")
    value = loading.parse_json(source, text)
    kind = detect_kind(value)
    if kind is None and candidate.scanned:
        return None
    if kind is None:
        raise InputError(
            source,
            "not a supported input: expected a Terraform plan "
            "('terraform show -json' output with format_version and terraform_version)",
        )
    schemas.check(source, value, "terraform-plan.schema.json", "Terraform plan JSON")
    return InputDocument(source, kind, text, value)


def expand_paths(paths: Iterable[str]) -> Iterator[Candidate]:
    """Files as given; directories scanned (sorted, recursively) for candidate inputs."""
    for raw in paths:
        if raw == loading.STDIN:
            yield Candidate(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and candidate.suffix.lower() in SCAN_SUFFIXES
                and not _SKIP_DIRS.intersection(candidate.relative_to(path).parts)
            )
            if not found:
                raise InputError(raw, "directory holds no .json inputs")
            yield from (Candidate(str(candidate), scanned=True) for candidate in found)
        else:
            yield Candidate(raw)
