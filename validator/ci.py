"""`asr-guard ci`: what the GitHub action and the Azure Pipelines template run, in the package.

It converts a binary Terraform plan if given (`terraform show -json`, kept in memory and read
from standard input, never written where a recipe publishes artifacts: it holds sensitive
values in plain text), points plan findings at the `.tf` blocks of the working directory,
writes SARIF, JUnit, JSON and Markdown reports, prints the CI system's annotations and exits
with the check's code (0 pass, 1 failed, 2 could not evaluate). With `--require-inventory`
by default: a forgotten inventory is an error, not a silent pass.

- GitHub Actions: the Markdown is appended to the job summary; `sarif` (only when the file
  exists), `markdown`, `exit-code` and `verdict` are step outputs; an exit 2 shows its
  one-line reason as an `::error::` annotation.
- Azure Pipelines: the Markdown is the build summary (`##vso[task.uploadsummary]`); a run
  with warnings, undecided values or no inventory ends "succeeded with issues"
  (`##vso[task.complete result=SucceededWithIssues]`); an exit 2 logs an error issue.

Options come from the command line or, for each, an ASR_GUARD_* environment variable (what
the recipes set), e.g. ASR_GUARD_PATHS="plan.json infra/arm" ASR_GUARD_INVENTORY=dr/vms.yaml.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from validator import lazy
from validator.report.escape import line as safe
from validator.report.paths import repository_root

if TYPE_CHECKING:
    import subprocess

    from validator.report import ci_annotations
else:
    ci_annotations = lazy.module("validator.report.ci_annotations")
    subprocess = lazy.module("subprocess")

EXIT_ERROR = 2
SYSTEMS = ("github", "azure", "text")
CONSUMED = frozenset(
    {
        "PATHS",
        "TF_PLAN",
        "INVENTORY",
        "WAIVERS",
        "ARGS",
        "OUT",
        "CI",
        "TITLE",
        "NO_REQUIRE_INVENTORY",
    }
)


def _env(name: str) -> str:
    return os.environ.get(f"ASR_GUARD_{name}", "")


def parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ci = commands.add_parser(
        "ci",
        allow_abbrev=False,
        help="run the check as the CI recipes do: reports, annotations, summary, outputs",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        epilog="Example (GitHub Actions, from infra/): asr-guard ci --terraform-plan tfplan "
        "--inventory ../dr/replicated-vms.yaml",
    )
    ci.add_argument(
        "--paths", default=_env("PATHS"), help="files or directories, space-separated "
        "($ASR_GUARD_PATHS)",
    )  # fmt: skip
    ci.add_argument(
        "--terraform-plan",
        default=_env("TF_PLAN"),
        metavar="PLAN",
        help="a binary plan (terraform plan -out PLAN) to convert with terraform show -json; "
        "its findings point at the .tf files of the working directory ($ASR_GUARD_TF_PLAN)",
    )
    ci.add_argument(
        "--inventory", default=_env("INVENTORY"), help="inventory file(s), space-separated "
        "($ASR_GUARD_INVENTORY)",
    )  # fmt: skip
    ci.add_argument(
        "--waivers", default=_env("WAIVERS"), help="waivers file(s), space-separated "
        "($ASR_GUARD_WAIVERS)",
    )  # fmt: skip
    ci.add_argument(
        "--args",
        default=_env("ARGS"),
        help="more arguments for asr-guard check, shell-quoted ($ASR_GUARD_ARGS), "
        'e.g. "--fail-on warn --scope /subscriptions/<id>/resourceGroups/rg"',
    )
    ci.add_argument(
        "--out",
        default=_env("OUT") or "asr-guard-results",
        metavar="DIR",
        help="directory for the reports ($ASR_GUARD_OUT, default asr-guard-results)",
    )
    ci.add_argument(
        "--system",
        choices=SYSTEMS,
        default=_env("CI") or None,
        help="github, azure or text ($ASR_GUARD_CI; default: from GITHUB_ACTIONS / TF_BUILD)",
    )
    ci.add_argument(
        "--title",
        default=_env("TITLE") or None,
        help="names the run in the Markdown (default: the working directory from the "
        "repository root), so matrix jobs over root modules have one comment each",
    )
    ci.add_argument(
        "--no-require-inventory",
        action="store_true",
        default=_env("NO_REQUIRE_INVENTORY") == "true",
        help="let a run without an inventory pass with a note (default: exit 2)",
    )


def _system(choice: str | None) -> str:
    if choice:
        return choice
    if os.environ.get("GITHUB_ACTIONS"):
        return "github"
    if os.environ.get("TF_BUILD"):
        return "azure"
    return "text"


def _error(system: str, message: str) -> int:
    """Exit 2 with its one-line reason where the CI system shows it."""
    reason = safe(message)
    print(f"asr-guard: error: {reason}", file=sys.stderr)
    if system in ("github", "azure"):
        print(ci_annotations.render_error(system, reason), end="")
    return EXIT_ERROR


def _convert(plan: str) -> bytes:
    """`terraform show -json PLAN`, in memory."""
    try:
        done = subprocess.run(
            ["terraform", "show", "-json", plan], capture_output=True, check=False
        )
    except OSError as exc:
        raise RuntimeError(f"terraform show -json {plan}: {exc.strerror}") from None
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(
            f"terraform show -json {plan} failed" + (f": {first[0][:200]}" if first else "")
        )
    return done.stdout


def run(args: argparse.Namespace) -> int:
    system = _system(args.system)
    out = Path(args.out)
    paths = args.paths.split()
    stdin: bytes | None = None
    check = [sys.executable, "-m", "validator", "check"]
    extra: list[str] = []
    if args.terraform_plan:
        try:
            stdin = _convert(args.terraform_plan)
        except RuntimeError as exc:
            return _error(system, str(exc))
        paths.append("-")
        extra += ["--stdin-filename", args.terraform_plan, "--tf-dir", "."]
    if not paths:
        return _error(system, "nothing to check: give --paths or --terraform-plan")
    try:
        user = shlex.split(args.args)
    except ValueError as exc:
        return _error(system, f"--args: {exc}")
    for file in args.inventory.split():
        extra += ["--inventory", file]
    for file in args.waivers.split():
        extra += ["--waivers", file]
    if not args.no_require_inventory:
        extra.append("--require-inventory")
    root = repository_root()
    title = args.title
    if title is None:
        here = Path.cwd().resolve()
        title = here.relative_to(root).as_posix() if root and here.is_relative_to(root) else "."
    out.mkdir(parents=True, exist_ok=True)
    reports = {
        fmt: out / f"asr-guard.{suffix}"
        for fmt, suffix in (
            ("sarif", "sarif"),
            ("junit", "junit.xml"),
            ("json", "json"),
            ("markdown", "md"),
        )
    }
    for report in reports.values():
        report.unlink(missing_ok=True)  # a report of an earlier run is not this run's
    formats = [
        part for fmt, path in reports.items() for part in ("--format", fmt, "--output", str(path))
    ]
    command = [*check, *paths, *extra, *user, "--title", title, *formats, "--format", system]
    # What this command read from ASR_GUARD_* is passed as options; the check must not
    # read it again (an inventory or waivers file twice).
    env = {k: v for k, v in os.environ.items() if k.removeprefix("ASR_GUARD_") not in CONSUMED}
    done = subprocess.run(command, input=stdin, capture_output=True, check=False, env=env)
    sys.stdout.write(done.stdout.decode("utf-8", "replace"))
    sys.stdout.flush()
    status = done.returncode
    if status not in (0, 1):
        errors = done.stderr.decode("utf-8", "replace")
        for report in reports.values():
            report.unlink(missing_ok=True)
        # The check printed its reason, and its annotation with --format github/azure.
        sys.stderr.write(errors)
        if "asr-guard: error: " not in errors:  # not the check's own error (usage, a crash)
            last = errors.strip().splitlines()[-1:] or [f"the check ended with exit {status}"]
            _error(system, last[0])
        _outputs(system, status, None, None, "error")
        return EXIT_ERROR
    sys.stderr.write(done.stderr.decode("utf-8", "replace"))
    summary = json.loads(reports["json"].read_text(encoding="utf-8"))["summary"]
    markdown = reports["markdown"]
    issues = bool(summary["warn"] or summary["undecided"] or summary.get("replication"))
    if system == "github":
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary:
            with Path(step_summary).open("a", encoding="utf-8") as stream:
                stream.write(markdown.read_text(encoding="utf-8"))
    elif system == "azure":
        print(f"##vso[task.uploadsummary]{markdown.resolve()}")
        if reports["sarif"].is_file():  # the template publishes it
            print(f"##vso[task.setvariable variable=ASR_GUARD_SARIF]{reports['sarif'].resolve()}")
        if status == 0 and issues:
            print("##vso[task.complete result=SucceededWithIssues;]asr-guard: warnings")
    _outputs(system, status, reports["sarif"], markdown, summary["verdict"])
    return status


def _outputs(
    system: str, status: int, sarif: Path | None, markdown: Path | None, verdict: str
) -> None:
    """GitHub step outputs: sarif only when the file exists."""
    target = os.environ.get("GITHUB_OUTPUT")
    if system != "github" or not target:
        return
    lines = [f"exit-code={status}", f"verdict={verdict}"]
    if sarif is not None and sarif.is_file():
        lines.append(f"sarif={sarif.resolve()}")
    if markdown is not None and markdown.is_file():
        lines.append(f"markdown={markdown.resolve()}")
    with Path(target).open("a", encoding="utf-8") as stream:
        stream.write("".join(line + "\n" for line in lines))


def main(argv: Sequence[str]) -> int:
    top = argparse.ArgumentParser(prog="asr-guard", allow_abbrev=False)
    parser(top.add_subparsers(dest="command", required=True))
    return run(top.parse_args(["ci", *argv]))
