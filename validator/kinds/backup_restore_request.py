"""Azure Backup restore requests: the body of POST .../recoveryPoints/{id}/restore or of
provisionInstantItemRecovery, read where Azure reads it (as policies/asr_guard/restore
does): bare, the REST body {"properties": ...}, the Cross Region Restore body
{"crossRegionRestoreAccessDetails", "restoreRequest": ...}, a
ValidateIaasVMRestoreOperationRequest ({"objectType", "restoreRequest": ...}), or in the
{"parameters": {"parameters": ...}} envelope of the azure-rest-api-specs examples.

A file with a request at two of these places is refused rather than guessed (Azure reads
one of them: which depends on the endpoint the file is sent to), and so is an object with
two keys that differ only in case (Azure's model binders ignore the case of property
names: which one wins is Azure's choice, not the file's). A null value is an absent one.

In YAML, a waiver comment anywhere in the file covers the request's VM.
"""

from __future__ import annotations

from typing import Any

from validator.documents import InputDocument
from validator.errors import InputError
from validator.kinds import base
from validator.kinds.base import RunContext
from validator.waivers import Waiver, exact_regex
from validator.waivers import inline_waivers as waivers_on_lines

NAME = "backup-restore-request"
DESCRIPTION = "Azure Backup restore request"
SCHEMA = "backup-restore-request.schema.json"
NEEDS_DOCUMENT = True

OBJECT_TYPES = frozenset(
    {"IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest", "IaasVMILRRegistrationRequest"}
)
# Where a request sits in each accepted envelope, outermost first; () is the bare request
# (schemas/backup-restore-request.schema.json and policies/asr_guard/restore list the same).
ENVELOPES: tuple[tuple[str, ...], ...] = (
    ("parameters", "parameters", "properties", "restoreRequest"),
    ("parameters", "parameters", "properties"),
    ("parameters", "parameters", "restoreRequest"),
    ("parameters", "properties", "restoreRequest"),
    ("parameters", "properties"),
    ("parameters", "restoreRequest"),
    ("properties", "restoreRequest"),
    ("properties",),
    ("restoreRequest",),
    (),
)
_TYPES_FOLDED = frozenset(t.lower() for t in OBJECT_TYPES)

prepare = base.as_json_text
locate = base.locate_by_pointer
unresolved = base.nothing_unresolved


def _at(value: Any, path: tuple[str, ...]) -> Any:
    node: Any = value
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _is_request(node: Any) -> bool:
    """A restore request, whatever the case its objectType is written in (the schema then
    says whether it is written as Azure names it)."""
    object_type = node.get("objectType") if isinstance(node, dict) else None
    return isinstance(object_type, str) and object_type.lower() in _TYPES_FOLDED


def requests(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every restore request the document holds, as (JSON pointer, request)."""
    return [
        ("".join(f"/{key}" for key in path), node)
        for path in ENVELOPES
        if _is_request(node := _at(value, path))
    ]


def body(value: Any) -> Any:
    """The request, where Azure reads it (the document itself if it holds none)."""
    found = requests(value)
    return found[0][1] if found else value


def detect(value: Any) -> bool:
    return bool(requests(value))


def _case_twins(value: Any, pointer: str = "") -> str | None:
    """The JSON pointer of the first object with two keys that differ only in case."""
    if isinstance(value, dict):
        seen: dict[str, str] = {}
        for key in value:
            folded = str(key).casefold()
            if folded in seen:
                return f"{pointer or '(document root)'}: keys {seen[folded]!r} and {key!r}"
            seen[folded] = str(key)
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, child in items:
        escaped = str(key).replace("~", "~0").replace("/", "~1")
        found = _case_twins(child, f"{pointer}/{escaped}")
        if found:
            return found
    return None


def validate(source: str, value: Any) -> None:
    """One request, in one place; no keys that Azure would read as one."""
    found = requests(value)
    if len(found) > 1:
        places = " and ".join(pointer or "(document root)" for pointer, _ in found)
        raise InputError(
            source,
            f"not a valid {DESCRIPTION}: restore requests at {places}: which one Azure reads"
            " depends on where the file is sent; refused rather than guessed",
        )
    twins = _case_twins(value)
    if twins:
        raise InputError(
            source,
            f"not a valid {DESCRIPTION}: at {twins} differ only in case, and Azure reads"
            " property names without regard to case: refused rather than guessed",
        )


def inline_waivers(document: InputDocument, context: RunContext) -> list[Waiver]:
    if document.syntax != "yaml":
        return []
    request = body(document.value)
    vm = str(request.get("sourceResourceId") or request.get("virtualMachineId") or "").lower()
    lines = document.source_text.splitlines()
    return waivers_on_lines(document.path, lines, vm, exact_regex(vm), (1, len(lines)))
