"""ARM deployment templates (and the main.json that `az bicep build` writes).

The policies read the template resolved (validator.arm): expressions evaluated as far as
the template, its parameters and --scope allow; what is known only at deployment is
listed, never guessed. Its parameters come from --parameters (FILE for every template,
TEMPLATE=FILE for one) or, without it, from the parameters files paired with the template
(validator.arm.paired_parameters).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.documents import InputDocument
from validator.errors import InputError
from validator.kinds import base
from validator.kinds.base import RunContext
from validator.loading import Loaded

if TYPE_CHECKING:
    from validator import arm, jsonc
else:
    arm = lazy.module("validator.arm")
    jsonc = lazy.module("validator.jsonc")

NAME = "arm-template"
DESCRIPTION = "ARM deployment template"
SCHEMA = "arm-template.schema.json"
NEEDS_DOCUMENT = True

validate = base.no_extra_checks
locate = base.locate_by_pointer
inline_waivers = base.no_inline_waivers


def detect(value: Any) -> bool:
    return jsonc.is_template(value)


def prepare(loaded: Loaded, context: RunContext) -> tuple[str, Any]:
    """The template with its expressions resolved, with its parameters."""
    template = context.template or arm.TemplateContext()
    resolved = arm.resolve_input(loaded.source, loaded.value, template)
    return json.dumps(resolved), resolved


def unresolved(document: InputDocument) -> tuple[str, ...]:
    """Where the resolved template still depends on deployment time, and why."""
    entries = document.value["asr_guard"]["unresolved"]
    return tuple(f"{entry['pointer']}: {entry['reason']}" for entry in entries)


def options(
    parameters: str | Sequence[str] | None, scope: str | None
) -> arm.TemplateContext | None:
    """--parameters (deploymentParameters files) read and --scope checked, for the run;
    None when neither is given."""
    if not parameters and scope is None:
        return None
    return arm.template_context(parameters, scope)


def resolved(document: InputDocument | None, source: str) -> dict[str, Any]:
    """The template as the policies read it (`asr-guard resolve`)."""
    if document is None or document.kind != NAME:
        raise InputError(source, "not an ARM deployment template")
    value: dict[str, Any] = document.value
    return value
