"""Azure Backup restore requests: the body of POST .../recoveryPoints/{id}/restore or of
provisionInstantItemRecovery, bare, as the REST body {"properties": ...}, or in the
{"parameters": {"parameters": ...}} envelope of the azure-rest-api-specs examples.

In YAML, a waiver comment anywhere in the file covers the request's VM.
"""

from __future__ import annotations

from typing import Any

from validator.documents import InputDocument
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
# Where the request properties sit in each accepted envelope, outermost first.
ENVELOPES = (
    ("parameters", "parameters", "properties"),
    ("parameters", "properties"),
    ("properties",),
)

validate = base.no_extra_checks
prepare = base.as_json_text
locate = base.locate_by_pointer
unresolved = base.nothing_unresolved


def body(value: Any) -> Any:
    """The request properties inside any of the accepted envelopes (as the policy reads them)."""
    if not isinstance(value, dict):
        return None
    for path in ENVELOPES:
        node: Any = value
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node
    return value


def detect(value: Any) -> bool:
    request = body(value)
    return isinstance(request, dict) and request.get("objectType") in OBJECT_TYPES


def inline_waivers(document: InputDocument, context: RunContext) -> list[Waiver]:
    if document.syntax != "yaml":
        return []
    request = body(document.value)
    vm = str(request.get("sourceResourceId") or request.get("virtualMachineId") or "").lower()
    lines = document.source_text.splitlines()
    return waivers_on_lines(document.path, lines, vm, exact_regex(vm), (1, len(lines)))
