"""Which files a run checks: paths as given, directories scanned for candidate inputs.

Finding files is apart from recognising them (validator.inputs): a scan picks up every
.json, .yaml and .yml file outside tool and dependency directories and marks it as
scanned, so that a file of another kind found there is skipped rather than refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from validator.errors import InputError
from validator.loading import STDIN

# Files a directory scan picks up; other files in a scanned directory are not inputs.
SCAN_SUFFIXES = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".terraform", "node_modules", ".venv", "__pycache__"})


@dataclass(frozen=True)
class Candidate:
    """A path to check; found by a directory scan rather than named by the user."""

    path: str
    scanned: bool = False


def expand_paths(paths: Iterable[str]) -> Iterator[Candidate]:
    """Files as given; directories scanned (sorted, recursively) for candidate inputs."""
    for raw in paths:
        if raw == STDIN:
            yield Candidate(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and candidate.suffix.lower() in SCAN_SUFFIXES
                and not SKIP_DIRS.intersection(candidate.relative_to(path).parts)
            )
            if not found:
                raise InputError(raw, "directory holds no .json or .yaml inputs")
            yield from (Candidate(str(candidate), scanned=True) for candidate in found)
        else:
            yield Candidate(raw)
