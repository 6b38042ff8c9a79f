"""The command line: arguments, the commands over the library, and the error edge (exit 2
and one line, never a traceback)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from validator import config, engines, inputs, kinds, lazy, report
from validator.__version__ import __version__
from validator.check import Checker, Options, always_reported
from validator.engines import DEFAULT_OPA_BINARY_TIMEOUT, DEFAULT_OPA_TIMEOUT
from validator.errors import AsrGuardError, UsageError
from validator.files import Candidate
from validator.findings import rules_from_matrix
from validator.inventory import inventory_data
from validator.kinds import arm_template
from validator.loading import DEFAULT_MAX_BYTES
from validator.policy import PolicyData, load_pack
from validator.report.paths import ReportOptions, repository_root

if TYPE_CHECKING:
    from validator import bundle, change_view, ci, completion, rule_docs, verify
    from validator.remediation import fix
    from validator.report import ci_annotations, sarif
else:
    sarif = lazy.module("validator.report.sarif")
    bundle = lazy.module("validator.bundle")
    ci = lazy.module("validator.ci")
    completion = lazy.module("validator.completion")
    ci_annotations = lazy.module("validator.report.ci_annotations")
    change_view = lazy.module("validator.change_view")
    verify = lazy.module("validator.verify")
    fix = lazy.module("validator.remediation.fix")
    rule_docs = lazy.module("validator.rule_docs")

EXIT_PASS, EXIT_DENY, EXIT_ERROR = 0, 1, 2


class _Ordered(argparse.Action):
    """Records --format and --output in the order given, so each output follows its format."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        events = getattr(namespace, "report_events", None) or []
        events.append((self.dest, values))
        namespace.report_events = events


# The commands, in the order of the parser's usage and help.
COMMANDS = (
    "check", "fix", "ci", "verify", "resolve", "bundle", "view", "rules", "completion", "inventory",
)  # fmt: skip


def _parser(configured: bool = False, only_check: bool = False) -> argparse.ArgumentParser:
    """The parser; `configured`: check's defaults from the config file and ASR_GUARD_*;
    `only_check`: the check command alone, for a run of it (its usage, help and errors are
    the same; the other nine commands' parsers cost a pre-commit run 5 ms)."""
    parser = argparse.ArgumentParser(
        prog="asr-guard",
        allow_abbrev=False,
        description="Stop changes and restores that silently break Azure Site Recovery "
        "replication.",
    )
    parser.add_argument("--version", action="version", version=f"asr-guard {__version__}")
    # Where only check is built, the top-level usage (of an unrecognised argument's error)
    # still names every command.
    metavar = "{" + ",".join(COMMANDS) + "}" if only_check else None
    commands = parser.add_subparsers(dest="command", required=True, metavar=metavar)

    check = commands.add_parser(
        "check",
        allow_abbrev=False,
        help="evaluate plans against the policies",
        description="Exit 0: no denials and nothing left undecided. Exit 1: at least one "
        "denial or value the policies could not decide (ASR020; only denials with --fail-on "
        "deny; every warning with --fail-on warn). Exit 2: usage, input or engine error; never "
        "0 without evaluation.",
        epilog="examples:\n"
        "  asr-guard check plan.json --inventory dr/replicated-vms.yaml --tf-dir .\n"
        "  asr-guard check infra/arm --scope /subscriptions/<id>/resourceGroups/rg-app "
        "--fail-on warn\n"
        "  asr-guard check plan.json --output results.sarif --format markdown\n"
        "  asr-guard check plan.json --skip-rule ASR023,ASR025 --fail-on deny\n"
        "Options can also come from .asr-guard.yaml or [tool.asr-guard] in pyproject.toml "
        "(nearest upward) and ASR_GUARD_<OPTION> variables (validator/config.py).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="file, directory, or - for stdin")
    check.add_argument(
        "--inventory",
        action="append",
        default=[],
        metavar="FILE",
        help="replication inventory (repeatable): replicated_vms YAML/JSON or "
        "'az site-recovery protected-item list' JSON",
    )
    check.add_argument(
        "--format",
        choices=sorted(report.FORMATS),
        action=_Ordered,
        help="report format (repeatable; default text), e.g. --format sarif --output "
        'results.sarif --format text; in the config file: format = ["text", '
        '"sarif=results.sarif"]',
    )
    check.add_argument(
        "--output",
        metavar="FILE",
        action=_Ordered,
        help="write the report of the --format before it to FILE, not to stdout (alone, the "
        "format follows the extension: --output results.sarif writes SARIF)",
    )
    check.add_argument(
        "--fail-on",
        choices=["deny", "undecided", "warn"],
        default="undecided",
        help="what fails the run: denials; denials and what the policies could not decide "
        "(default: the gate fails closed); every warning",
    )
    check.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="report only this rule (repeatable, or comma-separated; asr-guard rules lists "
        "them), e.g. --rule ASR002 --rule ASR011; ASR020 (could not decide) is always reported",
    )
    check.add_argument(
        "--skip-rule",
        action="append",
        default=[],
        metavar="ID",
        help="leave this rule out (repeatable, or comma-separated; wins over --rule), e.g. "
        "--skip-rule ASR023; ASR020 cannot be skipped (use --fail-on deny not to fail on it)",
    )
    _report_options(check)
    _engine_options(check)
    check.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto", help="colour text output"
    )
    _template_options(check)
    check.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"refuse inputs larger than N bytes (default {DEFAULT_MAX_BYTES})",
    )
    check.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes for the embedded engine (default 0: all cores when the inputs "
        "are large enough for it to pay off, else 1)",
    )
    check.add_argument(
        "--skip-unsupported",
        action="store_true",
        help="skip named files of no supported kind instead of failing (pre-commit hooks); "
        "a file that does not parse still fails",
    )
    check.add_argument(
        "--waivers",
        action="append",
        default=[],
        metavar="FILE",
        help="waivers file (repeatable): accepted findings, each with a justification and expiry",
    )
    check.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="judge waiver expiry as of this day (default: today)",
    )
    check.add_argument(
        "--tf-dir",
        metavar="DIR",
        help="Terraform configuration of the plans, to point findings at resource blocks "
        "(default: the plan's own directory when it holds .tf files)",
    )

    check.add_argument(
        "--expect-remediation",
        metavar="FILE",
        help="the remediation.json of asr-guard fix: also fail (exit 1) unless the findings "
        "show each Terraform fix applied as its remediation expects",
    )
    if configured:
        config.apply(check)  # after every option of check is declared
    if only_check:
        return parser
    _fix_parser(commands)
    ci.parser(commands)

    commands.add_parser("verify", help="run the policy pack's Rego unit tests")

    resolve = commands.add_parser(
        "resolve", help="print an ARM template as the policies read it (expressions resolved)"
    )
    resolve.add_argument("template", metavar="TEMPLATE")
    _template_options(resolve)

    bundle_command = commands.add_parser(
        "bundle",
        help="write the policy pack as an OPA bundle, or as Rego files for a platform's "
        "policy set (docs/platforms/)",
    )
    bundle_command.add_argument(
        "--output", required=True, metavar="PATH", help="the .tar.gz (or directory)"
    )
    bundle_command.add_argument(
        "--format",
        choices=["opa", "rego"],
        default="opa",
        help="opa: an OPA bundle (.manifest roots asr_guard); rego: a directory of Rego files "
        "only, the matrix and inventory as rules (HCP Terraform, env0)",
    )
    bundle_command.add_argument(
        "--inventory",
        action="append",
        default=[],
        metavar="FILE",
        help="a central replication inventory to include (repeatable)",
    )

    view = commands.add_parser(
        "view",
        help="print the change view the rules read of a plan, what-if result or template",
        description="The Azure change view (schemas/change-view.schema.json) of one input: "
        "the resources it changes and what they point at, what is replicated, what is unknown. "
        "Example: asr-guard view plan.json --inventory dr/replicated-vms.yaml",
    )
    view.add_argument(
        "path", metavar="PATH", help="a Terraform plan JSON, what-if result or ARM template"
    )
    view.add_argument(
        "--inventory",
        action="append",
        default=[],
        metavar="FILE",
        help="replication inventory (repeatable)",
    )
    _template_options(view)

    rules = commands.add_parser(
        "rules",
        help="list the rules: id, severity, title, documented or policy, source",
    )
    rules.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default text)"
    )
    rules.add_argument(
        "--explain",
        metavar="RULE",
        help="print the page of one rule (e.g. ASR002): triggers, source, examples, workaround",
    )

    completion_command = commands.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Print the completion script of a shell: commands, options, the values of "
        "options with choices, rule ids, file names.",
        epilog="examples:\n"
        "  asr-guard completion bash > ~/.local/share/bash-completion/completions/asr-guard\n"
        "  source <(asr-guard completion zsh)\n"
        "  asr-guard completion fish > ~/.config/fish/completions/asr-guard.fish",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    completion_command.add_argument("shell", choices=completion.SHELLS, help="the shell")

    inventory = commands.add_parser(
        "inventory",
        help="print inventory files as the data document the policies read (for opa eval -d)",
    )
    inventory.add_argument("files", nargs="+", metavar="FILE")
    return parser


def _fix_parser(commands: Any) -> None:
    command = commands.add_parser(
        "fix",
        help="write each denial's remediation (patches, runbooks) into a new directory and "
        "re-check the Terraform fixes",
        description="Exit 0: every fix written and every re-check passed. Exit 1: a fix "
        "could not be written or its re-check failed. Exit 2: usage, input or engine error. "
        "The inputs are never modified.",
    )
    command.add_argument("paths", nargs="+", metavar="PATH", help="file or directory")
    command.add_argument("--output-dir", required=True, metavar="DIR", help="a new directory")
    command.add_argument("--inventory", action="append", default=[], metavar="FILE")
    command.add_argument("--tf-dir", metavar="DIR", help="Terraform configuration of the plans")
    _template_options(command)
    _engine_options(command)


def _options(args: argparse.Namespace, **extra: Any) -> Options:
    return Options(
        paths=args.paths,
        inventories=args.inventory,
        engine=args.engine,
        opa_url=args.opa_url,
        opa_preloaded=args.opa_preloaded,
        opa_timeout=args.opa_timeout,
        opa_path=args.opa_path,
        opa_ca_bundle=args.opa_ca_bundle,
        opa_client_cert=args.opa_client_cert,
        opa_client_key=args.opa_client_key,
        parameters=args.parameters,
        scope=args.scope,
        tf_dir=args.tf_dir,
        **extra,
    )


def _fix(args: argparse.Namespace) -> int:
    entries, lines = fix.fix(_options(args), args.output_dir)
    sys.stdout.write("".join(f"{one_line(line)}\n" for line in lines))
    return EXIT_PASS if fix.fix_passed(entries) else EXIT_DENY


def _report_options(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group("reports and CI (see validator/report/)")
    group.add_argument(
        "--require-inventory",
        action="store_true",
        help="exit 2 when no --inventory is given and an input names no replicated VM itself "
        "(replication known only from the input); the CI recipes and hooks set it",
    )
    group.add_argument(
        "--path-base",
        metavar="DIR",
        help="the repository root report paths are relative to (default: $GITHUB_WORKSPACE, "
        "$BUILD_SOURCESDIRECTORY, or the git work tree's top)",
    )
    group.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name reports give the input read from - (e.g. infra/plan.json)",
    )
    group.add_argument(
        "--soft-fail",
        action="store_true",
        help="exit 0 whatever the findings (reports unchanged); exit 2 still fails",
    )
    group.add_argument("--quiet", action="store_true", help="text format: only the summary line")
    group.add_argument(
        "--title",
        help="names this run in the markdown report and its hidden marker, so a workflow "
        "updates one pull-request comment per root module (e.g. --title infra/app)",
    )


def _engine_options(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group("engine (see validator/engines/__init__.py)")
    group.add_argument(
        "--engine",
        choices=engines.NAMES,
        default="auto",
        help="embedded: regorus in this process; opa: the OPA server at --opa-url, else the "
        "opa binary; auto (default): a server if --opa-url is given, else embedded, else the "
        "opa binary",
    )
    group.add_argument("--opa-path", metavar="FILE", help="the opa binary (default: opa on PATH)")
    group.add_argument(
        "--opa-url",
        default=os.environ.get("ASR_GUARD_OPA_URL"),
        metavar="URL",
        help="OPA server URL, with a path prefix if it sits behind a gateway "
        "(default: $ASR_GUARD_OPA_URL); a bearer token comes from $ASR_GUARD_OPA_TOKEN",
    )
    group.add_argument(
        "--opa-preloaded",
        action="store_true",
        help="use the policies and data already loaded in the OPA server (e.g. by a bundle)",
    )
    group.add_argument(
        "--opa-timeout",
        type=float,
        metavar="SECONDS",
        help=f"time for one whole answer of OPA (default: server {DEFAULT_OPA_TIMEOUT:g}, "
        f"binary {DEFAULT_OPA_BINARY_TIMEOUT:g})",
    )
    group.add_argument(
        "--opa-ca-bundle", metavar="FILE", help="CA certificates for an https OPA server"
    )
    group.add_argument(
        "--opa-client-cert", metavar="FILE", help="TLS client certificate (PEM) for the server"
    )
    group.add_argument(
        "--opa-client-key", metavar="FILE", help="its private key, if not in the certificate file"
    )


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _template_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--parameters",
        action="append",
        metavar="[TEMPLATE=]FILE",
        help="ARM deployment parameters file for every template, or TEMPLATE=FILE for one "
        "(repeatable); without it, <name>.parameters.json beside <name>.json is used",
    )
    parser.add_argument(
        "--scope",
        metavar="RESOURCE_GROUP_ID",
        help="where templates deploy: /subscriptions/<id>/resourceGroups/<name> "
        "(without it, resource ids use {subscriptionId}/{resourceGroupName} placeholders)",
    )


def _use_color(choice: str, to_file: bool) -> bool:
    if choice != "auto":
        return choice == "always"
    return not to_file and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _check(args: argparse.Namespace, resources: contextlib.ExitStack) -> int:
    # The cyclic garbage collector is off for the run: inputs are acyclic JSON trees,
    # freed by reference counting, and the collector would walk a large input's values
    # again and again as they are built (about a tenth of a 10k-resource run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_and_report(args, resources)
    except AsrGuardError as exc:  # exit 2: its reason also where the CI system shows it
        events = _report_events(args)
        for fmt in {value for option, value in events if option == "format"} & {"github", "azure"}:
            sys.stdout.write(ci_annotations.render_error(fmt, one_line(str(exc))))
        _write_failed_sarif(args, failure_message(exc))
        raise
    except Exception as exc:  # exit 2 too (_run): the SARIF file says so
        _write_failed_sarif(args, failure_message(exc))
        raise
    finally:
        if collecting:
            gc.enable()


def _report_events(args: argparse.Namespace) -> list[tuple[str, str]]:
    """--format and --output as given, in order; else the config file's or ASR_GUARD_FORMAT's
    reports (validator.config: the command line replaces them, it does not add to them)."""
    given: list[tuple[str, str]] = getattr(args, "report_events", None) or []
    return given or list(getattr(args, config.REPORTS, None) or [])


def _write_failed_sarif(args: argparse.Namespace, reason: str) -> None:
    """Each `--format sarif --output FILE` of a run that could not evaluate gets a SARIF log
    saying so (executionSuccessful false, the reason); never over an input, and only where the
    outputs were named as the run would have written them. The run's own error is the one
    reported: a SARIF file that cannot be written is left as it is."""
    try:
        targets = report.targets(_report_events(args))
        outputs = [output for fmt, output in targets if fmt == "sarif" and output]
        if not outputs:
            return
        report.refuse_inputs_as_outputs(outputs, [*args.paths, *args.inventory, *args.waivers])
        try:
            rules = rules_from_matrix(load_pack().matrix)
        except AsrGuardError:
            rules = ()  # the pack itself did not load
        text = sarif.render_failure(one_line(reason), __version__, rules)
        for output in outputs:
            report.write(output, text)
    except (AsrGuardError, OSError):
        pass


def _check_and_report(args: argparse.Namespace, resources: contextlib.ExitStack) -> int:
    targets = report.targets(_report_events(args))
    options = _options(
        args,
        fail_on=args.fail_on,
        waivers=args.waivers,
        today=args.today,
        skip_unsupported=args.skip_unsupported,
        max_bytes=args.max_bytes,
        jobs=args.jobs,
        rules=args.rule,
        skip_rules=args.skip_rule,
    )
    if args.stdin_filename is not None and not args.stdin_filename.strip():
        raise UsageError("--stdin-filename is empty")
    report.refuse_inputs_as_outputs(
        [output for _, output in targets if output], [*args.paths, *args.inventory, *args.waivers]
    )
    result = resources.enter_context(Checker(options)).run()
    if any(f.remediation and f.remediation.get("params", {}).get("item") for f in result.findings):
        result = fix.with_patches(result, args.tf_dir)
    unmet = (
        fix.expectation_problems(result, args.expect_remediation) if args.expect_remediation else []
    )
    if args.require_inventory and result.blind_inputs:
        raise UsageError(
            f"{report.NO_INVENTORY} ({', '.join(result.blind_inputs)}): no --inventory given "
            "and the input names no replicated VM (--require-inventory)"
        )
    # Every report names files from the repository root (validator.report.paths).
    base = repository_root(args.path_base)
    for fmt, output in targets:
        text = report.render(
            fmt,
            result,
            ReportOptions(
                base=base,
                stdin_name=args.stdin_filename,
                color=_use_color(args.color, output is not None),
                title=args.title,
                quiet=args.quiet,
            ),
        )
        if output:
            report.write(output, text)
        else:
            sys.stdout.write(text)
    for problem in unmet:
        print(f"asr-guard: remediation not applied: {one_line(problem)}", file=sys.stderr)
    return EXIT_PASS if (result.passed or args.soft_fail) and not unmet else EXIT_DENY


def _verify() -> int:
    results = verify.run_tests()
    for result in results:
        if result.error is not None:
            print(f"ERROR {result.test.query}: {result.error}")
        if not result.passed:
            print(f"FAIL {result.test.path}: {result.test.query}")
    failed = sum(1 for result in results if not result.passed)
    print(f"{len(results) - failed} passed, {failed} failed")
    return EXIT_PASS if results and not failed else EXIT_DENY


def _resolve(args: argparse.Namespace) -> int:
    context = kinds.run_context(parameters=args.parameters, scope=args.scope)
    document = inputs.load_input(Candidate(args.template), context=context)
    template = arm_template.resolved(document, args.template)
    sys.stdout.write(json.dumps(template, indent=2) + "\n")
    return EXIT_PASS


def _bundle(args: argparse.Namespace) -> int:
    central = inventory_data(args.inventory) if args.inventory else None
    print(bundle.build(load_pack(), args.output, args.format, central))
    return EXIT_PASS


def _view(args: argparse.Namespace) -> int:
    sys.stdout.write(
        json.dumps(
            change_view.of_file(args.path, args.inventory, args.parameters, args.scope), indent=2
        )
        + "\n"
    )
    return EXIT_PASS


def _rules(args: argparse.Namespace) -> int:
    if args.explain is not None:
        return _explain(args.explain.upper())
    sys.stdout.write(change_view.render_rules(load_pack().matrix, args.format))
    return EXIT_PASS


def _explain(rule_id: str) -> int:
    rule_ids = {row["rule_id"] for row in load_pack().matrix["scenarios"].values()}
    if rule_id not in rule_ids:
        return _error(f"rules --explain: no rule {rule_id!r} (asr-guard rules lists them)")
    page = rule_docs.rule_page(rule_id)
    if page is None:
        return _error(f"rules --explain: {rule_id} has no page in this installation")
    sys.stdout.write(page.text)
    return EXIT_PASS


def _completion(args: argparse.Namespace) -> int:
    rules = rules_from_matrix(load_pack().matrix)
    every = tuple(rule.rule_id for rule in rules)
    always = always_reported(rules)
    skippable = tuple(rule_id for rule_id in every if rule_id not in always)
    rule_ids = {"rule": every, "explain": every, "skip_rule": skippable}
    sys.stdout.write(completion.script(args.shell, _parser(), rule_ids))
    return EXIT_PASS


def _inventory(args: argparse.Namespace) -> int:
    document = PolicyData(inventory=inventory_data(args.files)).document()
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return EXIT_PASS


def one_line(text: str) -> str:
    """The message on one line: user content may hold line breaks or control characters."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _error(message: str) -> int:
    print(f"asr-guard: error: {one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def entry() -> None:
    """The asr-guard command: the command run, then an exit that does not tear the process down.

    Freeing a large input value by value, the engine's copy in Rust and ours in Python,
    costs a tenth of a 10k-resource run, for memory the operating system takes back at
    once. So the command never closes what the run made (the checker stays referenced by
    `resources` until the end), flushes its streams and leaves with os._exit.
    """
    resources = contextlib.ExitStack()
    code = _run(sys.argv[1:], resources)
    try:
        sys.stdout.flush()
    except OSError:
        code = _error("standard output was closed before the report was written")
    try:
        sys.stderr.flush()
    except OSError:
        code = code or EXIT_ERROR
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; what it made is released before it returns."""
    with contextlib.ExitStack() as resources:
        return _run(argv, resources)


def _run(argv: Sequence[str] | None, resources: contextlib.ExitStack) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:  # only check reads the config file and ASR_GUARD_* (a bad one fails only check)
        check = arguments[:1] == ["check"]
        parser = _parser(configured=check, only_check=check)
    except AsrGuardError as exc:
        return _error(str(exc))
    args = parser.parse_args(arguments)
    try:
        if args.command == "check":
            return _check(args, resources)
        if args.command == "ci":
            return ci.run(args)
        if args.command == "verify":
            return _verify()
        if args.command == "fix":
            return _fix(args)
        if args.command == "resolve":
            return _resolve(args)
        if args.command == "bundle":
            return _bundle(args)
        if args.command == "view":
            return _view(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "completion":
            return _completion(args)
        return _inventory(args)
    except (AsrGuardError, KeyboardInterrupt, BrokenPipeError) as exc:
        return _error(failure_message(exc))
    except Exception as exc:  # fail closed: never a pass, never a traceback
        if os.environ.get("ASR_GUARD_DEBUG"):
            raise
        return _error(failure_message(exc))


def failure_message(exc: BaseException) -> str:
    """Why a command could not finish (exit 2), as its one error line says it."""
    if isinstance(exc, AsrGuardError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, BrokenPipeError):
        return "standard output was closed before the report was written"
    return f"internal error: {type(exc).__name__}: {exc}"
