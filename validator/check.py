"""The library API behind `asr-guard check`: load, validate, evaluate, collect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import __version__, inputs
from validator.engines import Engine
from validator.errors import EngineError, InputError, UsageError
from validator.findings import (
    Finding,
    InputResult,
    Location,
    RunResult,
    WaiverReport,
    findings_from_decision,
    rules_from_matrix,
)
from validator.inventory import inventory_data
from validator.loading import DEFAULT_MAX_BYTES
from validator.locate import positions
from validator.policy import PolicyPack, load_pack

if TYPE_CHECKING:
    from validator import parallel
    from validator.tfsource import TerraformSource

from validator.waivers import (
    Waiver,
    exact_regex,
    inline_waivers,
    load_waiver_file,
    terraform_inline_waivers,
    waivers_data,
)


@dataclass(frozen=True)
class Options:
    paths: Sequence[str]
    inventories: Sequence[str] = ()
    engine: str = "auto"  # auto | embedded | opa (validator.engines.select)
    opa_url: str | None = None
    opa_preloaded: bool = False
    opa_timeout: float | None = None  # None: the engine's default
    opa_path: str | None = None  # the opa binary (default: `opa` on PATH)
    opa_ca_bundle: str | None = None  # CA certificates that sign the OPA server's
    opa_client_cert: str | None = None  # TLS client certificate (PEM) for the OPA server
    opa_client_key: str | None = None  # its key, if not in the certificate file
    fail_on: str = "deny"
    max_bytes: int = DEFAULT_MAX_BYTES
    skip_unsupported: bool = False  # named files of no supported kind are skipped, not errors
    jobs: int = 0  # worker processes for the embedded engine; 0: as many as pay off
    tf_dir: str | None = None  # Terraform configuration the plan came from (for lines)
    waivers: Sequence[str] = ()  # waivers files
    today: dt.date | None = None  # the day waiver expiry is judged on (default: today)
    # ARM parameters: FILE for every template, TEMPLATE=FILE for one (validator.arm)
    parameters: str | Sequence[str] | None = None
    scope: str | None = None  # ARM deployment scope: /subscriptions/<id>/resourceGroups/<name>


def template_context(options: Options) -> inputs.TemplateContext:
    if options.scope is None and not options.parameters:
        return inputs.TemplateContext()
    from validator.arm import template_context as arm_context

    return arm_context(options.parameters, options.scope)


def engine_name(options: Options) -> str:
    from validator.engines import select

    return select.engine_name(options)


def make_engine(options: Options, pack: PolicyPack, extra: dict[str, Any]) -> Engine:
    from validator.engines import select

    return select.create(options, pack, extra)


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
    directory = _tf_directory(document, tf_dir)
    if not findings or directory is None:
        return findings, ()
    source = _terraform_source(directory, sources)
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


def _merge(first: dict[str, Any], second: dict[str, Any] | None) -> dict[str, Any]:
    """Two data documents under asr_guard, side by side."""
    return {"asr_guard": {**first.get("asr_guard", {}), **(second or {}).get("asr_guard", {})}}


def _tf_directory(document: inputs.InputDocument, tf_dir: str | None) -> Path | None:
    """The Terraform configuration of a plan: --tf-dir, or .tf files next to the plan."""
    if tf_dir:
        return Path(tf_dir)
    directory = Path(document.path).parent
    if document.path == "-" or not any(directory.glob("*.tf")):
        return None
    return directory


def _terraform_source(directory: Path, sources: dict[Path, TerraformSource]) -> TerraformSource:
    """The .tf blocks of a directory, read once; python-hcl2 is loaded only when needed."""
    if directory not in sources:
        from validator.tfsource import read_terraform_source

        sources[directory] = read_terraform_source(directory)
    return sources[directory]


def collect_waivers(
    options: Options,
    documents: list[inputs.InputDocument],
    sources: dict[Path, TerraformSource],
) -> list[Waiver]:
    """Waivers files, and inline waivers in .tf resource blocks and YAML restore requests."""
    found = [waiver for path in options.waivers for waiver in load_waiver_file(path)]
    # Several plans may share a configuration and a file may be named twice: each is read once.
    read: set[Path | str] = set()
    for document in documents:
        if document.kind == inputs.TERRAFORM_PLAN:
            directory = _tf_directory(document, options.tf_dir)
            if directory is not None and directory not in read:
                read.add(directory)
                found += terraform_inline_waivers(_terraform_source(directory, sources).blocks)
        elif document.kind == inputs.RESTORE_REQUEST and document.syntax == "yaml":
            if document.path in read:
                continue
            read.add(document.path)
            body = inputs.restore_request_body(document.value)
            vm = str(body.get("sourceResourceId") or body.get("virtualMachineId") or "").lower()
            lines = document.source_text.splitlines()
            found += inline_waivers(document.path, lines, vm, exact_regex(vm), (1, len(lines)))
    return found


def run(options: Options, retain: list[object] | None = None) -> RunResult:
    """Check every input. With `retain`, the engine and the loaded inputs are added to it
    rather than freed on return (the command keeps them until it exits, see cli.entry)."""
    if not options.paths:
        raise UsageError("no input given: name plan files, directories or - for stdin")
    pack = load_pack()
    context = template_context(options)
    candidates = [
        inputs.Candidate(c.path, scanned=True) if options.skip_unsupported else c
        for c in inputs.expand_paths(options.paths)
    ]
    # Every input is loaded and checked before anything is evaluated, so that a
    # bad file fails the run at once, whatever order it comes in.
    jobs = _jobs(options, candidates)
    if jobs > 1:
        from validator import parallel

        with parallel.Workers(jobs) as workers:
            loaded = workers.load(candidates, options.max_bytes, context)
            return _evaluate_all(pack, options, candidates, loaded, workers, retain)
    loaded = [inputs.load_input(c, options.max_bytes, context) for c in candidates]
    return _evaluate_all(pack, options, candidates, loaded, None, retain)


def _jobs(options: Options, candidates: Sequence[inputs.Candidate]) -> int:
    """Worker processes for this run (1: none), for the embedded engine only."""
    if engine_name(options) != "embedded":
        return 1
    from validator import parallel

    return parallel.jobs_for(candidates, options.jobs)


def _evaluate_all(
    pack: PolicyPack,
    options: Options,
    candidates: Sequence[inputs.Candidate],
    loaded: list[inputs.InputDocument | None],
    workers: parallel.Workers | None,
    retain: list[object] | None,
) -> RunResult:
    documents = [document for document in loaded if document is not None]
    skipped = [c.path for c, document in zip(candidates, loaded, strict=True) if document is None]
    if not documents:
        if options.skip_unsupported:
            return _nothing_to_check(pack, options, skipped)
        raise UsageError("no supported input found in " + ", ".join(options.paths))
    sources: dict[Path, TerraformSource] = {}
    waivers = collect_waivers(options, documents, sources)
    rules = rules_from_matrix(pack.matrix)
    known = {rule.rule_id for rule in rules}
    for waiver in waivers:
        if waiver.rule not in known:
            raise InputError(waiver.source, f"waiver names unknown rule {waiver.rule}")
    today = options.today or dt.date.today()
    extra = _merge(
        inventory_data(options.inventories), waivers_data(waivers, today) if waivers else None
    )
    engine: Engine | None = None
    if workers:
        name, decisions = "embedded", workers.evaluate(documents, extra, options.max_bytes)
    else:
        engine = make_engine(options, pack, extra)
        name, decisions = engine.name, map(engine.evaluate, documents)
    applied: set[str] = set()
    expired: set[str] = set()
    # An OPA server's decision ids, by input (validator.engines.opa_server).
    decision_ids: dict[str, str] = getattr(engine, "decision_ids", {})
    try:
        results = []
        for document, decision in zip(documents, decisions, strict=True):
            kind, findings = findings_from_decision(document.path, decision, name)
            applied.update(_ids(decision, "applied"))
            expired.update(_ids(decision, "expired"))
            if kind != document.kind:
                raise EngineError(
                    f"{name} engine: {document.path}: the policies read it as {kind!r}, "
                    f"not {document.kind!r}"
                )
            located, notes = locate(document, findings, options.tf_dir, sources)
            results.append(
                InputResult(
                    document.path,
                    document.kind,
                    tuple(located),
                    unresolved(document),
                    notes,
                    decision_ids.get(document.path),
                )
            )
    finally:
        if engine:
            engine.close()
        if retain is not None:
            retain.extend((engine, documents))
    return RunResult(
        version=__version__,
        policy_version=pack.version,
        engine=name,
        inputs=tuple(results),
        skipped=tuple(skipped),
        fail_on=options.fail_on,
        rules=rules,
        waivers=WaiverReport(
            applied=tuple(sorted(applied)),
            expired=tuple(sorted(expired)),
            unmatched=tuple(sorted({w.id for w in waivers} - applied - expired)),
            sources={w.id: w.source for w in waivers},
        )
        if waivers
        else None,
    )


def _nothing_to_check(pack: PolicyPack, options: Options, skipped: list[str]) -> RunResult:
    """--skip-unsupported and no input of a supported kind: nothing evaluated, nothing failed."""
    return RunResult(
        version=__version__,
        policy_version=pack.version,
        engine=engine_name(options),
        inputs=(),
        skipped=tuple(skipped),
        fail_on=options.fail_on,
        rules=rules_from_matrix(pack.matrix),
    )


def _ids(decision: Any, key: str) -> list[str]:
    waivers = decision.get("waivers") if isinstance(decision, dict) else None
    ids = waivers.get(key, []) if isinstance(waivers, dict) else []
    return [str(i) for i in ids] if isinstance(ids, list) else []
