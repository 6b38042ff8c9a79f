"""Input documents: finding them, recognising their kind and checking their shape."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator import loading, schemas
from validator.errors import InputError

TERRAFORM_PLAN = "terraform-plan"
RESTORE_REQUEST = "backup-restore-request"
ARM_TEMPLATE = "arm-template"
ARM_WHATIF = "arm-whatif"

# Files a directory scan picks up; other files in a scanned directory are not inputs.
SCAN_SUFFIXES = (".json", ".yaml", ".yml")
_SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "__pycache__"}

RESTORE_OBJECT_TYPES = frozenset(
    {"IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest", "IaasVMILRRegistrationRequest"}
)


@dataclass(frozen=True)
class InputDocument:
    """One document to evaluate: where it came from, its kind, its JSON text and value."""

    path: str
    kind: str
    text: str  # the JSON the engines read
    value: Any
    source_text: str = ""  # the file as written, for line numbers
    syntax: str = "json"
    # Set when text and value were left out (validator.parallel): the SHA-256 of the
    # text, which is read again from path to be evaluated.
    digest: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    schema: str
    detect: Callable[[Any], bool]


def _is_terraform_plan(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "format_version" in value
        and (
            "terraform_version" in value or "resource_changes" in value or "planned_values" in value
        )
    )


def restore_request_body(value: Any) -> Any:
    """The request properties inside any of the accepted envelopes (as the policy reads them)."""
    if not isinstance(value, dict):
        return None
    for path in (
        ("parameters", "parameters", "properties"),
        ("parameters", "properties"),
        ("properties",),
    ):
        node: Any = value
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node
    return value


def _is_restore_request(value: Any) -> bool:
    body = restore_request_body(value)
    return isinstance(body, dict) and body.get("objectType") in RESTORE_OBJECT_TYPES


def is_whatif(value: Any) -> bool:
    """An ARM what-if result: az CLI output ({status, changes}) or the REST result."""
    if not isinstance(value, dict):
        return False
    changes = value.get("changes", (value.get("properties") or {}).get("changes"))
    return isinstance(changes, list) and (
        "status" in value
        or any(isinstance(c, dict) and "changeType" in c and "resourceId" in c for c in changes)
    )


def _is_arm_template(value: Any) -> bool:
    from validator.arm import is_template

    return is_template(value)


KINDS = (
    Kind(
        TERRAFORM_PLAN,
        "Terraform plan JSON ('terraform show -json')",
        "terraform-plan.schema.json",
        _is_terraform_plan,
    ),
    Kind(
        RESTORE_REQUEST,
        "Azure Backup restore request",
        "backup-restore-request.schema.json",
        _is_restore_request,
    ),
    Kind(ARM_WHATIF, "ARM what-if result", "arm-whatif.schema.json", is_whatif),
    Kind(ARM_TEMPLATE, "ARM deployment template", "arm-template.schema.json", _is_arm_template),
)

SUPPORTED = "; ".join(kind.description for kind in KINDS)


def detect_kind(value: Any) -> Kind | None:
    return next((kind for kind in KINDS if kind.detect(value)), None)


@dataclass(frozen=True)
class TemplateContext:
    """What ARM template expressions may read besides the template: --parameters, --scope.

    parameters: the values of the --parameters FILE for every template (parameters_file);
    per_template: resolved template path -> (file, values) of --parameters TEMPLATE=FILE.
    Without either, validator.arm pairs each template with its parameters files itself.
    """

    parameters: dict[str, Any] = field(default_factory=dict)
    scope: str | None = None
    per_template: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    parameters_file: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A path to check; found by a directory scan rather than named by the user."""

    path: str
    scanned: bool = False


# Top-level keys that policies/asr_guard/lib/envelope.rego reads as an envelope around the
# document (a request with its own data, a platform's input): a file may not have them, or
# it could bring its own inventory or hide the document that is checked inside another.
ENVELOPES = (
    (("asr_guard_request",), "a request with its own data (asr_guard_request)"),
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


def load_input(
    candidate: Candidate,
    max_bytes: int = loading.DEFAULT_MAX_BYTES,
    context: TemplateContext | None = None,
) -> InputDocument | None:
    """The document, or None for a scanned file of no supported kind.

    A named file must be a supported kind. A scanned file that parses but is of
    another kind (package.json, a CI workflow, ...) is skipped, but one that is
    unreadable or does not parse is an error: it may be a broken input.
    """
    loaded = loading.load(candidate.path, max_bytes)
    shape = envelope_shape(loaded.value)
    if shape:
        raise InputError(candidate.path, f"has the top-level keys of {shape}: refused")
    kind = detect_kind(loaded.value)
    if kind is None:
        if candidate.scanned:
            return None
        raise InputError(candidate.path, f"not a supported input: expected one of: {SUPPORTED}")
    validate(candidate.path, loaded.value, kind)
    if kind.name == ARM_TEMPLATE:
        # The policies read the template with its expressions resolved.
        resolved = resolve(candidate.path, loaded.value, context or TemplateContext())
        return InputDocument(
            candidate.path, kind.name, json.dumps(resolved), resolved, loaded.text, loaded.syntax
        )
    # The engines read JSON text: a JSON file as it is, a YAML one re-serialised.
    text = loaded.text if loaded.syntax == "json" else json.dumps(loaded.value)
    return InputDocument(candidate.path, kind.name, text, loaded.value, loaded.text, loaded.syntax)


def validate(source: str, value: Any, kind: Kind) -> None:
    """Raise InputError if value is not a valid document of its kind."""
    schemas.check(source, value, kind.schema, kind.description)
    if kind.name == TERRAFORM_PLAN:
        _check_addresses(source, value, f"not a valid {kind.description}")
    elif kind.name == ARM_WHATIF:
        _check_resource_ids(source, value, f"not a valid {kind.description}")


def _repeat(keys: Iterable[Hashable]) -> tuple[int, int] | None:
    """(first, second): where the first key met twice is, each time; None if none is."""
    seen: dict[Hashable, int] = {}
    for i, key in enumerate(keys):
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None


def _check_addresses(source: str, plan: dict[str, Any], invalid: str) -> None:
    """Terraform writes one change per resource instance object (an address, and a
    deposed key for a deposed object) and one block per address in a module's
    configuration; a plan with a second one was not written by Terraform."""
    changes = plan.get("resource_changes", [])
    repeat = _repeat((c["address"], c.get("deposed", "")) for c in changes)
    if repeat is not None:
        first, second = repeat
        what = _describe(changes[second]["address"], changes[second].get("deposed", ""))
        raise InputError(
            source,
            f"{invalid}: at /resource_changes/{second}: a second change for {what}"
            f" (the first is at /resource_changes/{first})",
        )
    configuration = plan.get("configuration") or {}
    modules = [("/configuration/root_module", configuration.get("root_module") or {})]
    while modules:
        pointer, module = modules.pop()
        blocks = module.get("resources") or []
        # Only string addresses can repeat one another: any other value is its own key.
        repeat = _repeat(
            b["address"] if isinstance(b, dict) and isinstance(b.get("address"), str) else (i,)
            for i, b in enumerate(blocks)
        )
        if repeat is not None:
            second = repeat[1]
            raise InputError(
                source,
                f"{invalid}: at {pointer}/resources/{second}: a second configuration block"
                f" for {blocks[second]['address']}",
            )
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                escaped = name.replace("~", "~0").replace("/", "~1")
                modules.append((f"{pointer}/module_calls/{escaped}/module", call["module"]))


def _check_resource_ids(source: str, result: dict[str, Any], invalid: str) -> None:
    """A what-if result lists each resource once (Azure resource ids ignore case)."""
    changes, pointer = (
        (result["changes"], "/changes")
        if isinstance(result.get("changes"), list)
        else (result["properties"]["changes"], "/properties/changes")
    )
    repeat = _repeat(change["resourceId"].lower() for change in changes)
    if repeat is not None:
        first, second = repeat
        raise InputError(
            source,
            f"{invalid}: at {pointer}/{second}: a second change for"
            f" {changes[second]['resourceId']} (the first is at {pointer}/{first})",
        )


def _describe(address: str, deposed: str) -> str:
    return f"{address} (deposed object {deposed})" if deposed else address


def resolve(source: str, template: Any, context: TemplateContext) -> dict[str, Any]:
    from validator.arm import resolve_input

    return resolve_input(source, template, context)


def expand_paths(paths: Iterable[str]) -> Iterator[Candidate]:
    """Files as given; directories scanned (sorted, recursively) for candidate inputs."""
    for raw in paths:
        if raw == loading.STDIN:
            yield Candidate(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and candidate.suffix.lower() in SCAN_SUFFIXES
                and not _SKIP_DIRS.intersection(candidate.relative_to(path).parts)
            )
            if not found:
                raise InputError(raw, "directory holds no .json or .yaml inputs")
            yield from (Candidate(str(candidate), scanned=True) for candidate in found)
        else:
            yield Candidate(raw)
