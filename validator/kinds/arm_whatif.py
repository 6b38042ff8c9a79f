"""ARM what-if results: `az deployment group what-if --result-format FullResourcePayloads`
output ({status, changes}) or the REST WhatIfOperationResult ({properties: {changes}}).

A result is usable only when what-if succeeded: a `status` other than Succeeded or an
`error` is refused, naming them (Deployments - What If, WhatIfOperationResult: status,
error). A resource listed twice (Azure does so, e.g. a resource group a subscription-scope
deployment creates and also deploys into): identical entries give one finding, differing
ones are each evaluated. A change what-if could not evaluate (Unsupported) may name its
resource by the unevaluated expression; the policies list it as not checked (ASR020).
The property names of the before / after payloads are read as ARM reads them, without
regard to case (validator.arm_names).
"""

from __future__ import annotations

import json
from typing import Any

from validator.arm_names import NameTwinError, canonical_names
from validator.documents import InputDocument
from validator.errors import InputError
from validator.findings import Finding
from validator.kinds import base
from validator.kinds.base import RunContext
from validator.loading import Loaded

NAME = "arm-whatif"
DESCRIPTION = "ARM what-if result"
SCHEMA = "arm-whatif.schema.json"
NEEDS_DOCUMENT = True

inline_waivers = base.no_inline_waivers


def changes(value: Any) -> tuple[list[Any], str]:
    """The changes of a valid result, and their JSON pointer."""
    if isinstance(value.get("changes"), list):
        return value["changes"], "/changes"
    return value["properties"]["changes"], "/properties/changes"


def detect(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    found = value.get("changes", (value.get("properties") or {}).get("changes"))
    return isinstance(found, list) and (
        "status" in value
        or any(isinstance(c, dict) and "changeType" in c and "resourceId" in c for c in found)
    )


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def canonical(value: Any) -> Any:
    """The result with the property names of each payload in the spelling the policies
    read; the same object when nothing changes. NameTwinError for two names that are one."""
    listed, pointer = changes(value)
    new_changes = []
    for i, change in enumerate(listed):
        new_change = change
        for side in ("before", "after"):
            payload = change.get(side)
            new = canonical_names(payload, f"{pointer}/{i}/{side}")
            if new is not payload:
                new_change = {**new_change, side: new}
        new_changes.append(new_change)
    if all(a is b for a, b in zip(new_changes, listed, strict=True)):
        return value
    if pointer == "/changes":
        return {**value, "changes": new_changes}
    return {**value, "properties": {**value["properties"], "changes": new_changes}}


def prepare(loaded: Loaded, context: RunContext) -> tuple[str, Any]:
    """The result as the policies read it: property names as ARM reads them."""
    value = canonical(loaded.value)
    if value is loaded.value:
        return base.as_json_text(loaded, context)
    return json.dumps(value), value


def validate(source: str, value: Any) -> None:
    """What-if succeeded: its status (when it says one) is Succeeded and it has no error;
    no payload has two property names that are one to ARM."""
    try:
        canonical(value)
    except NameTwinError as exc:
        raise InputError(source, f"not a valid {DESCRIPTION}: {exc}") from None
    status = value.get("status")
    error = value.get("error")
    if status is None and error is None:
        return
    if isinstance(status, str) and status.lower() == "succeeded" and error is None:
        return
    why = f"status {status}" if status is not None else "an error"
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        detail = ": ".join(_short(part) for part in (code, message) if part)
        why += f" ({detail or _short(error)})"
    raise InputError(
        source,
        f"not a usable {DESCRIPTION}: what-if did not succeed, {why}; nothing was evaluated",
    )


def locate(
    document: InputDocument, findings: list[Finding], context: RunContext
) -> tuple[list[Finding], tuple[str, ...]]:
    """Each finding at its line; a resource listed twice with identical entries gives its
    findings once (a finding compares without its JSON pointer), at the first entry."""
    located, notes = base.locate_by_pointer(document, findings, context)
    return list(dict.fromkeys(located)), notes


def unresolved(document: InputDocument) -> tuple[str, ...]:
    """The changes what-if could not evaluate (Unsupported): not checked."""
    listed, pointer = changes(document.value)
    return tuple(
        f"{pointer}/{i}: {_short(change['resourceId'])}: what-if could not evaluate it"
        f" (Unsupported){': ' + _short(reason) if isinstance(reason, str) and reason else ''}"
        for i, change in enumerate(listed)
        if change.get("changeType") == "Unsupported"
        for reason in [change.get("unsupportedReason")]
    )
