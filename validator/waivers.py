"""Waivers: accepted exceptions, from a waivers file or inline comments, fed to the policies.

The policies decide what a waiver does (data.asr_guard.waivers): which findings it covers
and whether it has expired. This module only reads and checks waivers and turns each glob
into an anchored regular expression (the engines' glob.match builtins disagree).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import lazy, loading, schemas
from validator.errors import InputError

if TYPE_CHECKING:
    from validator import yaml_values
else:
    yaml_values = lazy.module("validator.yaml_values")

# asr-guard:waive ASR007 expires=2027-03-31 reason="log disk, rebuilt from the app"
INLINE = re.compile(
    r"asr-guard:waive\s+(?P<rule>ASR\d{3})\s+expires=(?P<expires>\d{4}-\d{2}-\d{2})"
    r"\s+reason=(?:\"(?P<quoted>[^\"]+)\"|(?P<bare>\S.*?))\s*$"
)


@dataclass(frozen=True)
class Waiver:
    id: str
    rule: str
    resource: str  # as written: a glob, or the resource an inline comment sits on
    match: str  # anchored regular expression over the lower-cased resource
    justification: str
    expires: str
    source: str  # file:line

    def data(self) -> dict[str, str]:
        return asdict(self)


_META = set("\\.^$|?*+()[]{}")


def escape(text: str) -> str:
    """Escape regex metacharacters only: RE2 (OPA, regorus) rejects escaped letters or spaces."""
    return "".join(f"\\{char}" if char in _META else char for char in text)


def glob_to_regex(pattern: str) -> str:
    """A case-insensitive glob (* any characters, ? one) as an anchored RE2 expression."""
    parts = []
    for char in pattern.lower():
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(escape(char))
    return "^" + "".join(parts) + "$"


def exact_regex(resource: str) -> str:
    return "^" + escape(resource.lower()) + "$"


def _check_date(source: str, value: str, line: int | None) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(source, f"waiver expiry {value!r} is not a date", line=line) from None
    return value


def load_waiver_file(source: str) -> list[Waiver]:
    loaded = loading.load(source)
    schemas.check(source, loaded.value, "waivers.schema.json", "waivers file")
    lines = yaml_values.item_lines(loaded.text, "waivers")
    found = []
    for i, entry in enumerate(loaded.value["waivers"]):
        line = lines.get(i)
        found.append(
            Waiver(
                id=entry.get("id") or f"{Path(source).name}#{i + 1}",
                rule=entry["rule"],
                resource=entry["resource"],
                match=glob_to_regex(entry["resource"]),
                justification=entry["justification"],
                expires=_check_date(source, str(entry["expires"]), line),
                source=f"{source}:{line}" if line else source,
            )
        )
    return found


def inline_waivers(
    path: str, lines: list[str], resource: str, match: str, span: tuple[int, int]
) -> list[Waiver]:
    """Waiver comments on lines span[0]..span[1] (from 1) of a file, for one resource."""
    found = []
    first, last = span
    for number in range(first, min(last, len(lines)) + 1):
        comment = INLINE.search(lines[number - 1])
        if comment is None:
            continue
        found.append(
            Waiver(
                id=f"{path}:{number}",
                rule=comment["rule"],
                resource=resource,
                match=match,
                justification=(comment["quoted"] or comment["bare"]).strip(),
                expires=_check_date(path, comment["expires"], number),
                source=f"{path}:{number}",
            )
        )
    return found


def waivers_data(waivers: Iterable[Waiver], today: dt.date) -> dict[str, Any]:
    """What the policies read at data.asr_guard.waivers (validator.policy.PolicyData)."""
    first: dict[str, Waiver] = {}
    for waiver in waivers:
        if waiver.id in first:
            raise InputError(
                waiver.source,
                f"waiver id {waiver.id!r} is taken already by {first[waiver.id].source}",
            )
        first[waiver.id] = waiver
    entries = [waiver.data() for _, waiver in sorted(first.items())]
    return {"today": today.isoformat(), "entries": entries}
