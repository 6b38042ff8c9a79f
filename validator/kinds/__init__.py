"""Input kinds: one module each, and the registry.

A kind is a module with the names of `Kind` (validator/kinds/base.py): how a document of
that kind is recognised, what is checked beyond its JSON Schema, what the policies read
of it, where its findings point and which waivers it carries. Nothing outside this
package asks which kind a document is: it asks the document's kind.

To add a kind: its module here, its line in KINDS, its schema in schemas/, its Rego
package in policies/, and its fixtures (tests/fixtures/<kind>/ with expected.yaml).
"""

from __future__ import annotations

from typing import Any

from validator.documents import InputDocument
from validator.kinds import arm_template, arm_whatif, backup_restore_request, terraform_plan
from validator.kinds.base import Kind, RunContext

__all__ = ["KINDS", "SUPPORTED", "Kind", "RunContext", "detect", "of", "run_context"]

# In the order they are tried: a document is of the first kind that detects it.
KINDS: tuple[Kind, ...] = (terraform_plan, backup_restore_request, arm_whatif, arm_template)

_BY_NAME = {kind.NAME: kind for kind in KINDS}
SUPPORTED = "; ".join(kind.DESCRIPTION for kind in KINDS)


def detect(value: Any) -> Kind | None:
    return next((kind for kind in KINDS if kind.detect(value)), None)


def of(document: InputDocument) -> Kind:
    """The kind of a document."""
    return _BY_NAME[document.kind]


def run_context(
    *, tf_dir: str | None = None, parameters: str | None = None, scope: str | None = None
) -> RunContext:
    """What a run gives the kinds, from its options (files read and values checked now)."""
    template_parameters, template_scope = arm_template.options(parameters, scope)
    return RunContext(tf_dir, template_parameters, template_scope)
