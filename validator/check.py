"""The library behind `asr-guard check`: a Checker loads, validates, evaluates and collects.

    from validator import Checker, Options

    with Checker(Options(paths=["plan.json"], inventories=["replicated-vms.yaml"])) as checker:
        result = checker.run()
    print("passed" if result.passed else "failed")

A checker owns what a run makes, the policy engine and the documents it read, and frees
them when it is closed; what the engine holds outside this process (an opa server it
started, connections) is released when the run ends. It names no input kind: each
document's kind (validator.kinds) says where its findings are and which waivers it carries.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from validator import engines, inputs, kinds, lazy
from validator.__version__ import __version__
from validator.documents import InputDocument
from validator.engines import Engine
from validator.errors import EngineError, InputError, UsageError
from validator.files import Candidate, expand_paths
from validator.findings import Rule, rules_from_matrix
from validator.inventory import inventory_data
from validator.loading import DEFAULT_MAX_BYTES, STDIN
from validator.policy import Decision, PolicyData, RuleSelection, load_pack
from validator.result import UNDECIDED, InputResult, RunResult, WaiverReport
from validator.waivers import Waiver, load_waiver_file, waivers_data

if TYPE_CHECKING:
    from validator import parallel
else:
    parallel = lazy.module("validator.parallel")

# Below this much input in all, starting worker processes costs more than it saves.
MIN_PARALLEL_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    paths: Sequence[str]
    inventories: Sequence[str] = ()
    engine: str = "auto"  # auto | embedded | opa (validator.engines)
    opa_url: str | None = None
    opa_preloaded: bool = False
    opa_timeout: float | None = None  # None: the engine's default
    opa_path: str | None = None  # the opa binary (default: `opa` on PATH)
    opa_ca_bundle: str | None = None  # CA certificates that sign the OPA server's
    opa_client_cert: str | None = None  # TLS client certificate (PEM) for the OPA server
    opa_client_key: str | None = None  # its key, if not in the certificate file
    fail_on: str = "undecided"
    max_bytes: int = DEFAULT_MAX_BYTES
    skip_unsupported: bool = False  # named files of no supported kind are skipped, not errors
    jobs: int = 0  # worker processes for the embedded engine; 0: as many as pay off
    tf_dir: str | None = None  # Terraform configuration the plan came from (for lines)
    waivers: Sequence[str] = ()  # waivers files
    today: dt.date | None = None  # the day waiver expiry is judged on (default: today)
    # ARM parameters: FILE for every template, TEMPLATE=FILE for one (validator.arm)
    parameters: str | Sequence[str] | None = None
    scope: str | None = None  # ARM deployment scope: /subscriptions/<id>/resourceGroups/<name>
    # Rule selection, passed to the policies (policies/asr_guard/lib/selection.rego): report
    # only these rule ids (empty: every rule), and leave these out. Ids in either may be
    # comma-separated ("ASR002,ASR011") and any case; the undecided rule (ASR020) is always
    # reported and cannot be skipped.
    rules: Sequence[str] = ()
    skip_rules: Sequence[str] = ()


def jobs_for(candidates: Sequence[Candidate], requested: int = 0) -> int:
    """Worker processes for these inputs, 1 meaning none: as many as requested (--jobs), or,
    with 0, as pay off. A worker cannot read this process's standard input: with "-", none."""
    if len(candidates) < 2 or any(c.path == STDIN for c in candidates):
        return 1
    if requested:
        return min(requested, len(candidates))
    try:
        total = sum(Path(c.path).stat().st_size for c in candidates)
    except OSError:
        return 1  # read one by one, where the error is reported
    if total < MIN_PARALLEL_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, len(candidates)))


class Checker:
    """Checks inputs against the policy pack: one `run` gives the result of every input.

    Options that cannot go together, an unreadable parameters file and a pack that does
    not load fail at once; inputs fail when the run reads them.
    """

    def __init__(self, options: Options) -> None:
        if not options.paths:
            raise UsageError("no input given: name plan files, directories or - for stdin")
        self.options = options
        self.pack = load_pack()
        self.context = kinds.run_context(
            tf_dir=options.tf_dir, parameters=options.parameters, scope=options.scope
        )
        self.engine_name = engines.select(
            options.engine, opa_url=options.opa_url, opa_path=options.opa_path
        )
        self.rules = rules_from_matrix(self.pack.matrix)
        self.selection = rule_selection(self.rules, options.rules, options.skip_rules)
        self._engine: Engine | None = None
        self._documents: list[InputDocument] = []
        self._skipped: tuple[str, ...] = ()
        self._waivers: list[Waiver] = []

    def __enter__(self) -> Checker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Free the engine and the documents read. What the engine holds outside this
        process (an opa server it started, connections) is released already, when the run
        that made it ends; its memory is freed here (cli.entry never closes a checker: it
        leaves the process without freeing a large input value by value)."""
        self._engine = None
        self._documents = []

    def run(self) -> RunResult:
        """Check every input. Every input is read and checked before anything is evaluated,
        so that a bad file fails the run at once, whatever order it comes in."""
        self.close()
        options = self.options
        candidates = [
            Candidate(c.path, scanned=True) if options.skip_unsupported else c
            for c in expand_paths(options.paths)
        ]
        jobs = jobs_for(candidates, options.jobs) if self.engine_name == "embedded" else 1
        if jobs > 1:
            with parallel.Workers(jobs) as workers:
                loaded = workers.load(candidates, options.max_bytes, self.context)
                data = self._start(candidates, loaded)
                return self._collect(None if data is None else workers.evaluate(data))
        # One input for the embedded engine: the engine may begin to read it while this
        # process checks it (engines.embedded.Ahead).
        ahead: list[engines.embedded.Ahead] = []

        def read_ahead(text: str) -> None:
            started = engines.embedded.Ahead.start(self.pack, text)
            ahead.extend([started] if started is not None else [])

        one = len(candidates) == 1 and self.engine_name == "embedded"
        try:
            loaded = [
                inputs.load_input(c, options.max_bytes, self.context, read_ahead if one else None)
                for c in candidates
            ]
            data = self._start(candidates, loaded)
            if data is None:
                return self._collect(None)
            self._engine = engines.create(
                self.engine_name,
                self.pack,
                data,
                opa_url=options.opa_url,
                opa_path=options.opa_path,
                preloaded=options.opa_preloaded,
                timeout=options.opa_timeout,
                ca_bundle=options.opa_ca_bundle,
                client_cert=options.opa_client_cert,
                client_key=options.opa_client_key,
                ahead=ahead[0] if ahead else None,
            )
            ahead.clear()  # the engine's now: it closes it
        finally:
            for begun in ahead:  # not taken over by an engine: the run stopped before
                begun.close()
        try:
            return self._collect(map(self._engine.evaluate, self._documents))
        finally:
            self._engine.close()

    def _start(
        self, candidates: Sequence[Candidate], loaded: Sequence[InputDocument | None]
    ) -> PolicyData | None:
        """Keep the documents; the data the policies read with them (None: nothing to check)."""
        self._documents = [document for document in loaded if document is not None]
        self._skipped = tuple(c.path for c, d in zip(candidates, loaded, strict=True) if d is None)
        self._waivers = []
        if not self._documents:
            if self.options.skip_unsupported:
                return None
            raise UsageError("no supported input found in " + ", ".join(self.options.paths))
        self._waivers = self._collect_waivers()
        today = self.options.today or dt.date.today()
        inventories = self.options.inventories
        return PolicyData(
            self.pack.matrix,
            inventory_data(inventories) if inventories else None,
            waivers_data(self._waivers, today) if self._waivers else None,
            self.selection,
        )

    def _collect_waivers(self) -> list[Waiver]:
        """Waivers files, then the waivers the inputs carry (each written once, however
        many documents share it: plans of one configuration, a file named twice)."""
        found = [waiver for path in self.options.waivers for waiver in load_waiver_file(path)]
        inline = (
            waiver
            for document in self._documents
            for waiver in kinds.of(document).inline_waivers(document, self.context)
        )
        found += dict.fromkeys(inline)
        known = {rule.rule_id for rule in self.rules}
        for waiver in found:
            if waiver.rule not in known:
                raise InputError(waiver.source, f"waiver names unknown rule {waiver.rule}")
        return found

    def _collect(self, decisions: Iterable[Decision] | None) -> RunResult:
        """Each document's findings, located, and what the waivers did."""
        results = []
        applied: set[str] = set()
        expired: set[str] = set()
        selections: set[RuleSelection | None] = set()
        for document, decision in zip(self._documents, decisions or (), strict=True):
            applied.update(decision.applied)
            expired.update(decision.expired)
            self._check_selection(document.path, decision.rules)
            selections.add(decision.rules)
            if decision.kind != document.kind:
                raise EngineError(
                    f"{self.engine_name} engine: {document.path}: the policies read it as "
                    f"{decision.kind!r}, not {document.kind!r}"
                )
            kind = kinds.of(document)
            located, notes = kind.locate(document, list(decision.findings), self.context)
            results.append(
                InputResult(
                    document.path,
                    document.kind,
                    tuple(located),
                    kind.unresolved(document),
                    notes,
                    decision.decision_id,
                    *_replication(decision.raw),
                )
            )
        waivers = self._waivers
        return RunResult(
            version=__version__,
            policy_version=self.pack.version,
            engine=self.engine_name,
            inputs=tuple(results),
            skipped=self._skipped,
            fail_on=self.options.fail_on,
            rules=self.rules,
            waivers=WaiverReport(
                applied=tuple(sorted(applied)),
                expired=tuple(sorted(expired)),
                unmatched=tuple(sorted({w.id for w in waivers} - applied - expired)),
                sources={w.id: w.source for w in waivers},
            )
            if waivers
            else None,
            inventory_given=bool(self.options.inventories),
            selected_rules=_selected(selections),
        )

    def _check_selection(self, path: str, decided: RuleSelection | None) -> None:
        """The policies applied the rule selection this run asked for (an OPA server
        preloaded with an older pack would ignore it): fail closed if not."""
        if self.selection is None:
            return
        where = f"{self.engine_name} engine: {path}"
        if decided is None:
            raise EngineError(
                f"{where}: the policies do not say which rules they selected: the pack the "
                "engine runs does not know --rule/--skip-rule (an older pack in the OPA server?)"
            )
        asked = set(self.selection["rules"]) | always_reported(self.rules)
        if not set(self.selection["skip_rules"]) <= set(decided.skipped) or (
            self.selection["rules"] and not set(decided.selected) <= asked
        ):
            raise EngineError(f"{where}: the policies did not apply the rule selection asked for")


def always_reported(rules: Sequence[Rule]) -> set[str]:
    """The rules no selection leaves out: those of values the policies could not decide
    (ASR020; policies/asr_guard/lib/selection.rego's always_selected)."""
    return {rule.rule_id for rule in rules if rule.status == UNDECIDED}


def rule_selection(
    rules: Sequence[Rule], named: Sequence[str], skipped: Sequence[str]
) -> dict[str, list[str]] | None:
    """The selection the policies read at data.asr_guard.config ({"rules", "skip_rules"}),
    None when the run names no rule. An unknown rule id, or a skip of the undecided rule
    (ASR020: leaving it out would turn what cannot be known into a silent pass), is a usage
    error."""
    known = {rule.rule_id for rule in rules}
    always = always_reported(rules)
    lists: dict[str, list[str]] = {}
    for option, key, given in (("--rule", "rules", named), ("--skip-rule", "skip_rules", skipped)):
        ids = [part.strip().upper() for value in given for part in value.split(",")]
        for rule_id in ids:
            if rule_id not in known:
                raise UsageError(
                    f"{option} {rule_id!r}: no such rule (asr-guard rules lists them: "
                    f"{', '.join(sorted(known))})"
                )
            if key == "skip_rules" and rule_id in always:
                raise UsageError(
                    f"{option} {rule_id}: the rule of values the policies could not decide "
                    "cannot be skipped: a value that cannot be known would pass silently "
                    "(--fail-on deny reports it without failing the run)"
                )
        lists[key] = list(dict.fromkeys(ids))
    return lists if lists["rules"] or lists["skip_rules"] else None


def _selected(selections: set[RuleSelection | None]) -> RuleSelection | None:
    """The rule selection the policies reported, the same for every document."""
    if len(selections) > 1:
        raise EngineError("the policies reported different rule selections for the inputs")
    return next(iter(selections), None)


def _replication(raw: object) -> tuple[bool, int]:
    """(named_by_input, inventory_vms) from the decision; a decision without them (a pack
    older than this one, preloaded in an OPA server) counts as knowing nothing."""
    replication = raw.get("replication") if isinstance(raw, dict) else None
    if not isinstance(replication, dict):
        return False, 0
    named, count = replication.get("named_by_input"), replication.get("inventory_vms")
    return named is True, count if isinstance(count, int) and not isinstance(count, bool) else 0
