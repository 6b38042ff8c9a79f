"""Terraform plan JSON (`terraform show -json`): one change per resource instance object.

The plan JSON has no useful lines, so findings point at the resource blocks of the
Terraform configuration the plan came from (--tf-dir, or .tf files next to the plan),
where inline waivers are written too. The configuration is read once a run (the run
context keeps it): several plans may share one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.documents import InputDocument
from validator.errors import InputError
from validator.findings import Finding, Location
from validator.kinds import base
from validator.kinds.base import RunContext
from validator.waivers import Waiver, escape
from validator.waivers import inline_waivers as waivers_on_lines

if TYPE_CHECKING:
    from validator import tfsource
else:
    tfsource = lazy.module("validator.tfsource")

NAME = "terraform-plan"
DESCRIPTION = "Terraform plan JSON ('terraform show -json')"
SCHEMA = "terraform-plan.schema.json"
NEEDS_DOCUMENT = False  # findings and waivers are in the .tf files

prepare = base.as_json_text
unresolved = base.nothing_unresolved


def detect(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "format_version" in value
        and (
            "terraform_version" in value or "resource_changes" in value or "planned_values" in value
        )
    )


# Keys only the plan representation has (Terraform's JSON Output Format: a state
# representation is {format_version, terraform_version, values}).
_PLAN_KEYS = ("planned_values", "resource_changes", "prior_state", "configuration")


def usable(source: str, value: Any) -> None:
    """A plan to evaluate: not a state, and one Terraform finished. `errored` (Terraform
    1.5, hashicorp/terraform#33372: "errored field to indicate whether a plan succeeded")
    and `complete` (commit 884e1fb, "Plans can be "complete" and "applyable"": false when
    changes are deferred to a later round) are in the plan representation of the JSON
    Output Format. Such a plan does not hold every change the configuration makes."""
    if "values" in value and not any(key in value for key in _PLAN_KEYS):
        raise InputError(
            source,
            "not a plan: a Terraform state ('terraform show -json' of a state: values, no"
            " planned_values or resource_changes); give 'terraform show -json PLANFILE'",
        )
    if value.get("errored") is True:
        raise InputError(
            source,
            "not a usable plan: errored: true (Terraform stopped planning on an error, so the"
            " plan does not hold every change); fix the error and plan again",
        )
    if value.get("complete") is False:
        raise InputError(
            source,
            "not a usable plan: complete: false (changes are deferred to a later plan, so"
            " this one does not hold every change); evaluate the plan that completes",
        )


def validate(source: str, value: Any) -> None:
    """A usable plan (see usable). Terraform writes one change per resource instance
    object (an address, and a deposed key for a deposed object) and one block per address
    in a module's configuration; a plan with a second one was not written by Terraform."""
    usable(source, value)
    invalid = f"not a valid {DESCRIPTION}"
    changes = value.get("resource_changes", [])
    repeat = base.first_repeat([(c["address"], c.get("deposed", "")) for c in changes])
    if repeat is not None:
        first, second = repeat
        what = _describe(changes[second]["address"], changes[second].get("deposed", ""))
        raise InputError(
            source,
            f"{invalid}: at /resource_changes/{second}: a second change for {what}"
            f" (the first is at /resource_changes/{first})",
        )
    configuration = value.get("configuration") or {}
    modules = [("/configuration/root_module", configuration.get("root_module") or {})]
    while modules:
        pointer, module = modules.pop()
        blocks = module.get("resources") or []
        # Only string addresses can repeat one another: any other value is its own key.
        repeat = base.first_repeat(
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


def _describe(address: str, deposed: str) -> str:
    return f"{address} (deposed object {deposed})" if deposed else address


def locate(
    document: InputDocument, findings: list[Finding], context: RunContext
) -> tuple[list[Finding], tuple[str, ...]]:
    """Each finding at the `resource` block of its address (modules and instance keys
    included), with notes for addresses and .tf files that could not be read."""
    directory = _directory(document, context)
    if not findings or directory is None:
        return findings, ()
    source, _ = _configuration(directory, context)
    notes = list(source.notes)
    located = []
    for finding in findings:
        block = source.locate(finding.resource)
        if block is None:
            notes.append(f"no resource block for {finding.resource} in {directory}")
            located.append(finding)
        else:
            located.append(finding.located(Location(block.file, block.line)))
    return located, tuple(dict.fromkeys(notes))


def inline_waivers(document: InputDocument, context: RunContext) -> list[Waiver]:
    """Waiver comments inside resource blocks, each covering every instance of its block."""
    directory = _directory(document, context)
    return [] if directory is None else _configuration(directory, context)[1]


def address_regex(config_address: str) -> str:
    """Every instance of a Terraform resource block: module.a.x.y -> module.a[..].x.y[..]."""
    key = r"(\[[^\]]*\])?"
    parts = config_address.lower().split(".")
    pieces = []
    i = 0
    while i < len(parts):
        if parts[i] == "module" and i + 1 < len(parts) - 2:
            pieces.append(escape(f"module.{parts[i + 1]}") + key)
            i += 2
        else:
            pieces.append(escape(".".join(parts[i:])) + key)
            break
    return "^" + r"\.".join(pieces) + "$"


def _directory(document: InputDocument, context: RunContext) -> Path | None:
    """The Terraform configuration of a plan: --tf-dir, or .tf files next to the plan."""
    if context.tf_dir:
        return Path(context.tf_dir)
    directory = Path(document.path).parent
    if document.path == "-" or not any(directory.glob("*.tf")):
        return None
    return directory


def _configuration(
    directory: Path, context: RunContext
) -> tuple[tfsource.TerraformSource, list[Waiver]]:
    """The .tf blocks of one directory and the waiver comments in them, read once a run."""
    read: dict[Path, tuple[tfsource.TerraformSource, list[Waiver]]]
    read = context.caches.setdefault(NAME, {})
    if directory not in read:
        source = tfsource.read_terraform_source(directory)
        read[directory] = (source, _waivers_in(source))
    return read[directory]


def _waivers_in(source: tfsource.TerraformSource) -> list[Waiver]:
    found = []
    texts: dict[str, list[str]] = {}
    for address, block in sorted(source.blocks.items()):
        if block.file not in texts:
            texts[block.file] = Path(block.file).read_text(encoding="utf-8").splitlines()
        span = (block.line, block.end_line)
        found += waivers_on_lines(
            block.file, texts[block.file], address, address_regex(address), span
        )
    return found
