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
# The reason is the rest of the line, taken apart in Python (`_reason`): a pattern that
# ends in a lazy `.*?` before `\s*$` backtracks over every space of a long line, for every
# character (quadratic: 60 KB took 30 s). This one matches in time linear in the line.
INLINE = re.compile(
    r"asr-guard:waive\s+(?P<rule>ASR\d{3})\s+expires=(?P<expires>\d{4}-\d{2}-\d{2})"
    r"\s+reason=(?=\S)"
)


def _reason(rest: str) -> str:
    """The reason of an inline waiver, from what follows `reason=`: a "quoted" text that
    ends the line, or else the rest of the line (trailing spaces dropped)."""
    rest = rest.rstrip()
    if len(rest) > 2 and rest[0] == rest[-1] == '"' and '"' not in rest[1:-1]:
        return rest[1:-1].strip()
    return rest.strip()


@dataclass(frozen=True)
class Waiver:
    id: str
    rule: str
    resource: str  # as written: a glob, or the resource an inline comment sits on
    match: str  # anchored regular expression over the lower-cased resource
    justification: str
    expires: str
    source: str  # file:line

    def data(self) -> dict[str, str | None]:
        """As the policies read it: with `exact`, the lower-cased resource where `match`
        accepts that one resource only (the policies index such waivers by rule and resource
        rather than match each against every finding of its rule), else null."""
        exact = self.resource.lower() if self.match == exact_regex(self.resource) else None
        return {**asdict(self), "exact": exact}


_META = set("\\.^$|?*+()[]{}")


def escape(text: str) -> str:
    """Escape regex metacharacters only: RE2 (OPA, regorus) rejects escaped letters or spaces."""
    return "".join(f"\\{char}" if char in _META else char for char in text)


# One segment of a resource: of a Terraform address (module.app[0].azurerm_x.y), text up
# to a `.` outside a quoted instance key; of an Azure resource id (/subscriptions/...),
# text up to a `/`.
_ADDRESS_SEGMENT = r'(?:[^."]|"(?:[^"\\]|\\.)*")*'
_ADDRESS_CHARACTER = r'[^."]'
_ID_SEGMENT = r"[^/]*"
_ID_CHARACTER = r"[^/]"


def glob_to_regex(pattern: str) -> str:
    """A case-insensitive glob as an anchored RE2 expression: `*` any text within one segment
    of the resource, `?` one character of it, `**` any text across segments.

    A segment of a Terraform address is what lies between dots outside quoted keys, so
    `module.app[*].x.y` covers `module.app[0].x.y` and `module.app["a.b"].x.y` but not
    `module.app[0].module.inner.x.y`: `*` does not cross module boundaries. A pattern that
    starts with `/` is an Azure resource id, whose segments lie between slashes. `*` alone is
    every resource (a rule waived wherever it fires), as a user writing it means.
    """
    if pattern == "*":
        return "^.*$"
    is_id = pattern.startswith("/")
    segment = _ID_SEGMENT if is_id else _ADDRESS_SEGMENT
    character = _ID_CHARACTER if is_id else _ADDRESS_CHARACTER
    parts = []
    lowered = pattern.lower()
    i = 0
    while i < len(lowered):
        char = lowered[i]
        if lowered.startswith("**", i):
            parts.append(".*")
            i += 2
            while i < len(lowered) and lowered[i] == "*":
                i += 1
            continue
        if char == "*":
            parts.append(segment)
        elif char == "?":
            parts.append(character)
        else:
            parts.append(escape(char))
        i += 1
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
                justification=_reason(lines[number - 1][comment.end() :]),
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
