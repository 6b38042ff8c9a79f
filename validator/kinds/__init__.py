"""Input kinds: one module each, and the registry.

A kind is a module with the names of `Kind` (validator/kinds/base.py): how a document of
that kind is recognised, what is checked beyond its JSON Schema, what the policies read
of it, where its findings point and which waivers it carries. Nothing outside this
package asks which kind a document is: it asks the document's kind.

To add a kind: its module here, its line in KINDS, its schema in schemas/, its Rego
package in policies/, and its fixtures (tests/fixtures/<kind>/ with expected.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from validator.documents import InputDocument
from validator.errors import InputError
from validator.kinds import arm_template, arm_whatif, backup_restore_request, terraform_plan
from validator.kinds.base import Kind, RunContext
from validator.policy import REQUEST_KEY

__all__ = [
    "ENVELOPES",
    "KINDS",
    "SUPPORTED",
    "Kind",
    "RunContext",
    "detect",
    "envelope_shape",
    "identify",
    "of",
    "run_context",
]

# In the order they are tried: a document is of the first kind that detects it.
KINDS: tuple[Kind, ...] = (terraform_plan, backup_restore_request, arm_whatif, arm_template)

_BY_NAME = {kind.NAME: kind for kind in KINDS}
SUPPORTED = "; ".join(kind.DESCRIPTION for kind in KINDS)


# Top-level keys that policies/asr_guard/lib/envelope.rego reads as an envelope around the
# document (a request with its own data, a platform's input): a file may not have them, or
# it could bring its own inventory or hide the document that is checked inside another.
ENVELOPES = (
    ((REQUEST_KEY,), f"a request with its own data ({REQUEST_KEY})"),
    (("plan", "run"), "an HCP Terraform policy input (plan, run)"),
    (("plan", "deploymentRequest"), "an env0 policy input (plan, deploymentRequest)"),
    (("spacelift", "terraform"), "a Spacelift policy input (spacelift, terraform)"),
)


def envelope_shape(value: Any) -> str | None:
    """What envelope a document's top level would be read as, if any."""
    if not isinstance(value, dict):
        return None
    for keys, shape in ENVELOPES:
        if all(key in value for key in keys):
            return shape
    return None


def detect(value: Any) -> Kind | None:
    return next((kind for kind in KINDS if kind.detect(value)), None)


def identify(source: str, value: Any) -> Kind | None:
    """The kind of a parsed file, None if it is of none; InputError for a file that the
    policies would read as an envelope around a document, whatever else it is."""
    shape = envelope_shape(value)
    if shape:
        raise InputError(source, f"has the top-level keys of {shape}: refused")
    return detect(value)


def of(document: InputDocument) -> Kind:
    """The kind of a document."""
    return _BY_NAME[document.kind]


def run_context(
    *,
    tf_dir: str | None = None,
    parameters: str | Sequence[str] | None = None,
    scope: str | None = None,
) -> RunContext:
    """What a run gives the kinds, from its options (files read and values checked now)."""
    return RunContext(tf_dir, arm_template.options(parameters, scope))
