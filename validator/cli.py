"""The command line: a thin layer over validator.check."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from validator import __version__
from validator.check import Options, run
from validator.engines import DEFAULT_OPA_BINARY_TIMEOUT, DEFAULT_OPA_TIMEOUT
from validator.errors import AsrGuardError, EngineError, UsageError
from validator.findings import RunResult
from validator.inventory import inventory_data
from validator.loading import DEFAULT_MAX_BYTES
from validator.policy import load_pack

EXIT_PASS, EXIT_DENY, EXIT_ERROR = 0, 1, 2

# format -> (module of validator.report, function): imported only when that format is asked for.
RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("text", "render"),
    "json": ("json_report", "render"),
    "sarif": ("sarif", "render"),
    "junit": ("junit", "render"),
    "github": ("ci_annotations", "render_github"),
    "azure": ("ci_annotations", "render_azure"),
    "markdown": ("markdown", "render"),
}


def renderer(fmt: str) -> Callable[[RunResult, bool], str]:
    module, function = RENDERERS[fmt]
    render: Callable[[RunResult, bool], str] = getattr(
        importlib.import_module(f"validator.report.{module}"), function
    )
    return render


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


def report_targets(events: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """[(format, output file or None for stdout)]: --output goes with the --format before it.

    An --output given before any --format goes with the first format (text if none).
    """
    targets: list[list[Any]] = []
    leading: str | None = None
    for dest, value in events:
        if dest == "format":
            targets.append([value, None])
        elif targets:
            if targets[-1][1] is not None:
                raise UsageError(f"two --output for one --format {targets[-1][0]}")
            targets[-1][1] = value
        elif leading is None:
            leading = value
        else:
            raise UsageError("two --output before any --format")
    if not targets:
        targets.append(["text", None])
    if leading is not None:
        if targets[0][1] is not None:
            raise UsageError(f"two --output for one --format {targets[0][0]}")
        targets[0][1] = leading
    if sum(1 for _, output in targets if output is None) > 1:
        raise UsageError("only one --format can write to standard output: give the others --output")
    return [(str(fmt), output) for fmt, output in targets]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asr-guard",
        description="Stop changes and restores that silently break Azure Site Recovery "
        "replication.",
    )
    parser.add_argument("--version", action="version", version=f"asr-guard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="evaluate plans against the policies",
        description="Exit 0: no denials. Exit 1: at least one denial (or warning with "
        "--fail-on warn). Exit 2: usage, input or engine error; never 0 without evaluation.",
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
        choices=sorted(RENDERERS),
        action=_Ordered,
        help="report format (repeatable; default text)",
    )
    check.add_argument(
        "--output",
        metavar="FILE",
        action=_Ordered,
        help="write the report of the --format before it to FILE, not to stdout",
    )
    check.add_argument("--fail-on", choices=["deny", "warn"], default="deny")
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

    commands.add_parser("verify", help="run the policy pack's Rego unit tests")

    resolve = commands.add_parser(
        "resolve", help="print an ARM template as the policies read it (expressions resolved)"
    )
    resolve.add_argument("template", metavar="TEMPLATE")
    _template_options(resolve)

    bundle = commands.add_parser(
        "bundle",
        help="write the policy pack as an OPA bundle, or as Rego files for a platform's "
        "policy set (docs/platforms/)",
    )
    bundle.add_argument(
        "--output", required=True, metavar="PATH", help="the .tar.gz (or directory)"
    )
    bundle.add_argument(
        "--format",
        choices=["opa", "rego"],
        default="opa",
        help="opa: an OPA bundle (.manifest roots asr_guard); rego: a directory of Rego files "
        "only, the matrix and inventory as rules (HCP Terraform, env0)",
    )
    bundle.add_argument(
        "--inventory",
        action="append",
        default=[],
        metavar="FILE",
        help="a central replication inventory to include (repeatable)",
    )

    inventory = commands.add_parser(
        "inventory",
        help="print inventory files as the data document the policies read (for opa eval -d)",
    )
    inventory.add_argument("files", nargs="+", metavar="FILE")
    return parser


def _engine_options(check: argparse.ArgumentParser) -> None:
    engines = check.add_argument_group("engine (see validator/engines/select.py)")
    engines.add_argument(
        "--engine",
        choices=["auto", "embedded", "opa"],
        default="auto",
        help="embedded: regorus in this process; opa: the OPA server at --opa-url, else the "
        "opa binary; auto (default): a server if --opa-url is given, else embedded, else the "
        "opa binary",
    )
    engines.add_argument("--opa-path", metavar="FILE", help="the opa binary (default: opa on PATH)")
    engines.add_argument(
        "--opa-url",
        default=os.environ.get("ASR_GUARD_OPA_URL"),
        metavar="URL",
        help="OPA server URL, with a path prefix if it sits behind a gateway "
        "(default: $ASR_GUARD_OPA_URL); a bearer token comes from $ASR_GUARD_OPA_TOKEN",
    )
    engines.add_argument(
        "--opa-preloaded",
        action="store_true",
        help="use the policies and data already loaded in the OPA server (e.g. by a bundle)",
    )
    engines.add_argument(
        "--opa-timeout",
        type=float,
        metavar="SECONDS",
        help=f"time for one whole answer of OPA (default: server {DEFAULT_OPA_TIMEOUT:g}, "
        f"binary {DEFAULT_OPA_BINARY_TIMEOUT:g})",
    )
    engines.add_argument(
        "--opa-ca-bundle", metavar="FILE", help="CA certificates for an https OPA server"
    )
    engines.add_argument(
        "--opa-client-cert", metavar="FILE", help="TLS client certificate (PEM) for the server"
    )
    engines.add_argument(
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


def write_atomically(path: str, content: str) -> None:
    import tempfile

    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check(args: argparse.Namespace) -> int:
    # The cyclic garbage collector is off for the run: inputs are acyclic JSON trees,
    # freed by reference counting, and the collector would walk a large input's values
    # again and again as they are built (about a tenth of a 10k-resource run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_and_report(args)
    finally:
        if collecting:
            gc.enable()


def _check_and_report(args: argparse.Namespace) -> int:
    targets = report_targets(getattr(args, "report_events", None) or [])
    result = run(
        Options(
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
            fail_on=args.fail_on,
            parameters=args.parameters,
            scope=args.scope,
            tf_dir=args.tf_dir,
            waivers=args.waivers,
            today=args.today,
            skip_unsupported=args.skip_unsupported,
            max_bytes=args.max_bytes,
            jobs=args.jobs,
        ),
        retain=_retained,
    )
    for fmt, output in targets:
        report = renderer(fmt)(result, _use_color(args.color, output is not None))
        if output:
            try:
                write_atomically(output, report)
            except OSError as exc:
                raise AsrGuardError(f"{output}: cannot write report: {exc.strerror}") from None
        else:
            sys.stdout.write(report)
    return EXIT_PASS if result.passed else EXIT_DENY


def _verify() -> int:
    from validator.engines.embedded import EmbeddedEngine

    pack = load_pack()
    engine = EmbeddedEngine(pack)
    engine.add_test_modules(pack)
    tests = pack.tests()
    failed = []
    for test in tests:
        try:
            passed = engine.query(test.query) is True
        except EngineError as exc:
            passed = False
            print(f"ERROR {test.query}: {exc}")
        if not passed:
            failed.append(test)
            print(f"FAIL {test.path}: {test.query}")
    print(f"{len(tests) - len(failed)} passed, {len(failed)} failed")
    return EXIT_PASS if tests and not failed else EXIT_DENY


def _resolve(args: argparse.Namespace) -> int:
    from validator import inputs
    from validator.check import Options, template_context

    context = template_context(Options(paths=(), parameters=args.parameters, scope=args.scope))
    document = inputs.load_input(inputs.Candidate(args.template), context=context)
    if document is None or document.kind != inputs.ARM_TEMPLATE:
        raise AsrGuardError(f"{args.template}: not an ARM deployment template")
    sys.stdout.write(json.dumps(document.value, indent=2) + "\n")
    return EXIT_PASS


def _bundle(args: argparse.Namespace) -> int:
    from validator.bundle import build

    central = inventory_data(args.inventory)["asr_guard"]["inventory"] if args.inventory else None
    print(build(load_pack(), args.output, args.format, central))
    return EXIT_PASS


def one_line(text: str) -> str:
    """The message on one line: user content may hold line breaks or control characters."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _error(message: str) -> int:
    print(f"asr-guard: error: {one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


# Set by entry(): what a check leaves behind is kept here until the process exits.
_retained: list[object] | None = None


def entry() -> None:
    """The asr-guard command: main(), then an exit that does not tear the process down.

    Freeing a large input value by value, the engine's copy in Rust and ours in Python,
    costs a tenth of a 10k-resource run, for memory the operating system takes back at
    once. So the command keeps them, flushes its streams and leaves with os._exit.
    """
    global _retained
    _retained = []
    code = main()
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
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "verify":
            return _verify()
        if args.command == "resolve":
            return _resolve(args)
        if args.command == "bundle":
            return _bundle(args)
        sys.stdout.write(json.dumps(inventory_data(args.files), indent=2) + "\n")
        return EXIT_PASS
    except AsrGuardError as exc:
        return _error(str(exc))
    except KeyboardInterrupt:
        return _error("interrupted")
    except BrokenPipeError:
        return _error("standard output was closed before the report was written")
    except Exception as exc:  # fail closed: never a pass, never a traceback
        if os.environ.get("ASR_GUARD_DEBUG"):
            raise
        return _error(f"internal error: {type(exc).__name__}: {exc}")
