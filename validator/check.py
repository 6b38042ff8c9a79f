"""The library API behind `asr-guard check`: load, validate, evaluate, collect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from validator import __version__, inputs
from validator.engines import DEFAULT_OPA_TIMEOUT, Engine
from validator.engines.embedded import EmbeddedEngine
from validator.errors import EngineError, UsageError
from validator.findings import (
    Finding,
    InputResult,
    Location,
    RunResult,
    findings_from_decision,
    rules_from_matrix,
)
from validator.inventory import inventory_data
from validator.loading import DEFAULT_MAX_BYTES
from validator.locate import positions
from validator.policy import PolicyPack, load_pack
from validator.tfsource import TerraformSource, read_terraform_source


@dataclass(frozen=True)
class Options:
    paths: Sequence[str]
    inventories: Sequence[str] = ()
    engine: str = "auto"  # auto | embedded | opa
    opa_url: str | None = None
    opa_preloaded: bool = False
    opa_timeout: float = DEFAULT_OPA_TIMEOUT
    fail_on: str = "deny"
    max_bytes: int = DEFAULT_MAX_BYTES
    tf_dir: str | None = None  # Terraform configuration the plan came from (for lines)
    parameters: str | None = None  # ARM parameters file
    scope: str | None = None  # ARM deployment scope: /subscriptions/<id>/resourceGroups/<name>


def template_context(options: Options) -> inputs.TemplateContext:
    from validator.arm import load_parameters
    from validator.arm_expressions import ExpressionError, Scope

    try:
        Scope(options.scope)
    except ExpressionError as exc:
        raise UsageError(str(exc)) from None
    values = load_parameters(options.parameters) if options.parameters else {}
    return inputs.TemplateContext(values, options.scope)


def make_engine(options: Options, pack: PolicyPack) -> Engine:
    engine = options.engine
    if engine == "auto":
        engine = "opa" if options.opa_url else "embedded"
    if engine == "embedded":
        if options.opa_url:
            raise UsageError("--opa-url needs --engine opa (or auto)")
        return EmbeddedEngine(pack, inventory_data(options.inventories))
    if engine == "opa":
        if not options.opa_url:
            raise UsageError("--engine opa needs --opa-url URL (or ASR_GUARD_OPA_URL)")
        if options.opa_preloaded and options.inventories:
            raise UsageError(
                "--inventory cannot be used with --opa-preloaded: the server's own data is used"
            )
        inventory = None if options.opa_preloaded else inventory_data(options.inventories)
        # Imported here: opa-python-client pulls in requests and aiohttp (0.13 s), which a
        # run on the embedded engine (a pre-commit hook) should not pay for.
        from validator.engines.opa_server import OpaServerEngine

        return OpaServerEngine(
            options.opa_url,
            pack,
            inventory,
            preloaded=options.opa_preloaded,
            timeout=options.opa_timeout,
        )
    raise UsageError(f"unknown engine {engine!r}")


def locate(
    document: inputs.InputDocument,
    findings: list[Finding],
    tf_dir: str | None,
    sources: dict[Path, TerraformSource],
) -> tuple[list[Finding], tuple[str, ...]]:
    """Findings with the file and line they point at, and notes on what could not be found."""
    if document.kind == inputs.TERRAFORM_PLAN:
        return _locate_in_terraform(document, findings, tf_dir, sources)
    pointers = {finding.pointer for finding in findings if finding.pointer}
    found = positions(document.source_text, document.syntax, pointers)
    return [
        finding.located(Location(document.path, *found[finding.pointer]))
        if finding.pointer in found
        else finding
        for finding in findings
    ], ()


def _locate_in_terraform(
    document: inputs.InputDocument,
    findings: list[Finding],
    tf_dir: str | None,
    sources: dict[Path, TerraformSource],
) -> tuple[list[Finding], tuple[str, ...]]:
    # The plan JSON has no useful lines: point at the resource block in the .tf files,
    # from --tf-dir or, failing that, the plan's own directory.
    if not findings:
        return findings, ()
    directory = Path(tf_dir) if tf_dir else Path(document.path).parent
    if not tf_dir and (document.path == "-" or not any(directory.glob("*.tf"))):
        return findings, ()
    if directory not in sources:
        sources[directory] = read_terraform_source(directory)
    source = sources[directory]
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


def unresolved(document: inputs.InputDocument) -> tuple[str, ...]:
    """Where a resolved template still depends on deployment time, and why."""
    if document.kind != inputs.ARM_TEMPLATE:
        return ()
    entries = document.value["asr_guard"]["unresolved"]
    return tuple(f"{entry['pointer']}: {entry['reason']}" for entry in entries)


def run(options: Options) -> RunResult:
    if not options.paths:
        raise UsageError("no input given: name plan files, directories or - for stdin")
    pack = load_pack()
    context = template_context(options)
    candidates = list(inputs.expand_paths(options.paths))
    # Every input is loaded and checked before anything is evaluated, so that a
    # bad file fails the run at once, whatever order it comes in.
    documents = []
    skipped = []
    for candidate in candidates:
        document = inputs.load_input(candidate, options.max_bytes, context)
        if document is None:
            skipped.append(candidate.path)
        else:
            documents.append(document)
    if not documents:
        raise UsageError("no supported input found in " + ", ".join(options.paths))
    engine = make_engine(options, pack)
    sources: dict[Path, TerraformSource] = {}
    try:
        results = []
        for document in documents:
            kind, findings = findings_from_decision(
                document.path, engine.evaluate(document), engine.name
            )
            if kind != document.kind:
                raise EngineError(
                    f"{engine.name} engine: {document.path}: the policies read it as {kind!r}, "
                    f"not {document.kind!r}"
                )
            located, notes = locate(document, findings, options.tf_dir, sources)
            results.append(
                InputResult(
                    document.path, document.kind, tuple(located), unresolved(document), notes
                )
            )
    finally:
        engine.close()
    return RunResult(
        version=__version__,
        policy_version=pack.version,
        engine=engine.name,
        inputs=tuple(results),
        skipped=tuple(skipped),
        fail_on=options.fail_on,
        rules=rules_from_matrix(pack.matrix),
    )
