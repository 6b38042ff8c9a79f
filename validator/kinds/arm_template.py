"""ARM deployment templates (and the main.json that `az bicep build` writes).

The policies read the template resolved (validator.arm): expressions evaluated as far as
the template, --parameters and --scope allow; what is known only at deployment is listed,
never guessed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.documents import InputDocument
from validator.errors import InputError, UsageError
from validator.kinds import base
from validator.kinds.base import RunContext
from validator.loading import Loaded

if TYPE_CHECKING:
    from validator import arm, arm_expressions
else:
    arm = lazy.module("validator.arm")
    arm_expressions = lazy.module("validator.arm_expressions")

NAME = "arm-template"
DESCRIPTION = "ARM deployment template"
SCHEMA = "arm-template.schema.json"
NEEDS_DOCUMENT = True

validate = base.no_extra_checks
locate = base.locate_by_pointer
inline_waivers = base.no_inline_waivers


def detect(value: Any) -> bool:
    return arm.is_template(value)


def prepare(loaded: Loaded, context: RunContext) -> tuple[str, Any]:
    """The template with its expressions resolved."""
    try:
        resolved = arm.resolve_template(
            loaded.value,
            context.template_parameters,
            arm_expressions.Scope(context.template_scope),
        )
    except arm_expressions.ExpressionError as exc:
        raise InputError(loaded.source, f"cannot resolve the template: {exc}") from None
    return json.dumps(resolved), resolved


def unresolved(document: InputDocument) -> tuple[str, ...]:
    """Where the resolved template still depends on deployment time, and why."""
    entries = document.value["asr_guard"]["unresolved"]
    return tuple(f"{entry['pointer']}: {entry['reason']}" for entry in entries)


def options(parameters: str | None, scope: str | None) -> tuple[dict[str, Any], str | None]:
    """--parameters (a deploymentParameters file) read and --scope checked, for the run."""
    if parameters is None and scope is None:
        return {}, None
    try:
        arm_expressions.Scope(scope)
    except arm_expressions.ExpressionError as exc:
        raise UsageError(str(exc)) from None
    return (arm.load_parameters(parameters) if parameters else {}), scope


def resolved(document: InputDocument | None, source: str) -> dict[str, Any]:
    """The template as the policies read it (`asr-guard resolve`)."""
    if document is None or document.kind != NAME:
        raise InputError(source, "not an ARM deployment template")
    value: dict[str, Any] = document.value
    return value
