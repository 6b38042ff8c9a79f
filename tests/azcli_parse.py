"""Parse az command lines with the real Azure CLI (azure-cli from PyPI, the `azcli` extra),
signed out: a well-formed line gets through argument parsing and stops at "Please run 'az
login'"; a bad option, a bad value or a missing argument stops earlier, with the CLI's own
error.

The `site-recovery` extension is not on PyPI: its commands are built from the arguments pinned
in tests/fixtures/remediation/site-recovery-args.json into azure-cli-core's own AAZ argument
classes and command class, and run through the same AzCli, invoker and parser; the handler
stops where the extension's generated code first needs the account (the login credential).

Run by the tests as `python -m tests.azcli_parse` (azure-cli's logging and global state stay out
of the test process): reads {"commands": [[arg, ...], ...]} on standard input, writes for each
{"exit": code, "error": text, "command": name or null, "options": [option strings] or null};
`options` are the exact option strings the real parser knows for that command (argparse would
also take an unambiguous prefix). The working directory is where `@file` values are read.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

PINNED = Path(__file__).parent / "fixtures" / "remediation" / "site-recovery-args.json"


def _arg(spec: dict[str, Any]) -> Any:
    from azure.cli.core import aaz

    kind = spec["type"]
    if kind == "resource-group":
        return aaz.AAZResourceGroupNameArg(required=spec.get("required", False))
    kwargs: dict[str, Any] = {}
    if "options" in spec:
        kwargs["options"] = spec["options"]
    if spec.get("required"):
        kwargs["required"] = True
    if "group" in spec:
        kwargs["arg_group"] = spec["group"]
    if kind == "string":
        if "enum" in spec:
            kwargs["enum"] = {value: value for value in spec["enum"]}
        return aaz.AAZStrArg(**kwargs)
    if kind == "object":
        arg = aaz.AAZObjectArg(**kwargs)
        for name, field in spec["fields"].items():
            setattr(arg, name, _arg(field))
        return arg
    if kind == "list":
        arg = aaz.AAZListArg(**kwargs)
        arg.Element = _arg(spec["element"])
        return arg
    raise ValueError(f"{PINNED.name}: unknown argument type {kind!r}")


def _pinned_command(name: str, spec: dict[str, Any]) -> Any:
    from azure.cli.core import aaz

    class Pinned(aaz.AAZCommand):  # type: ignore[misc]
        AZ_SUPPORT_NO_WAIT = spec["no_wait"]
        _args_schema = None

        @classmethod
        def _build_arguments_schema(cls, *args: Any, **kwargs: Any) -> Any:
            if cls._args_schema is not None:
                return cls._args_schema
            schema = super()._build_arguments_schema(*args, **kwargs)
            for dest, field in spec["args"].items():
                setattr(schema, dest, _arg(field))
            cls._args_schema = schema
            return schema

        def _handler(self, command_args: Any) -> Any:
            super()._handler(command_args)  # the arguments, as AAZCommandCtx reads them
            return self.ctx.get_login_credential()  # the extension's first use of the account

    return aaz.register_command(name)(Pinned)


def _pinned_cli(config_dir: str) -> Any:
    from azure.cli.core import AzCli, AzCommandsLoader
    from azure.cli.core._config import ENV_VAR_PREFIX
    from azure.cli.core._help import AzCliHelp
    from azure.cli.core._output import AzOutputProducer
    from azure.cli.core.azlogging import AzCliLogging
    from azure.cli.core.commands import AzCliCommandInvoker, ExtensionCommandSource
    from azure.cli.core.parser import AzCliCommandParser

    pinned = json.loads(PINNED.read_text(encoding="utf-8"))

    class Loader(AzCommandsLoader):  # type: ignore[misc]
        def load_command_table(self, args: Any) -> Any:
            self.cmd_to_loader_map = {}
            for name, spec in pinned["commands"].items():
                command = _pinned_command(name, spec)(loader=self)
                command.command_source = ExtensionCommandSource(extension_name=pinned["extension"])
                self.command_table[name] = command
                self.cmd_to_loader_map[name] = [self]
            return self.command_table

    return AzCli(
        cli_name="az",
        config_dir=config_dir,
        config_env_var_prefix=ENV_VAR_PREFIX,
        commands_loader_cls=Loader,
        invocation_cls=AzCliCommandInvoker,
        parser_cls=AzCliCommandParser,
        logging_cls=AzCliLogging,
        output_cls=AzOutputProducer,
        help_cls=AzCliHelp,
    )


def _run(argv: list[str], pinned: bool, config_dir: str) -> dict[str, Any]:
    from azure.cli.core import get_default_cli

    cli = _pinned_cli(config_dir) if pinned else get_default_cli()
    error = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            handlers += [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
    for handler in handlers:
        handler.setStream(error)
    stderr, sys.stderr = sys.stderr, error
    try:
        code = cli.invoke(argv, out_file=io.StringIO())
    except SystemExit as exit_:
        code = exit_.code
    finally:
        sys.stderr = stderr
    parser = getattr(getattr(cli, "invocation", None), "parser", None)
    subparsers = getattr(parser, "subparser_map", {})
    command = next(
        (" ".join(argv[:n]) for n in range(len(argv), 0, -1) if " ".join(argv[:n]) in subparsers),
        None,
    )
    options = sorted(subparsers[command]._option_string_actions) if command else None
    return {"exit": code, "error": error.getvalue(), "command": command, "options": options}


def main() -> None:
    request = json.load(sys.stdin)
    pinned_names = {
        tuple(name.split()) for name in json.loads(PINNED.read_text(encoding="utf-8"))["commands"]
    }
    with tempfile.TemporaryDirectory() as config_dir:
        # Signed out, no telemetry, nothing installed on the fly; set before azure.cli.core loads.
        os.environ["AZURE_CONFIG_DIR"] = config_dir
        os.environ["AZURE_CORE_COLLECT_TELEMETRY"] = "no"
        os.environ["AZURE_EXTENSION_USE_DYNAMIC_INSTALL"] = "no"
        os.environ["AZURE_CORE_NO_COLOR"] = "yes"
        results = [
            _run(
                argv,
                any(tuple(argv[: len(name)]) == name for name in pinned_names)
                or argv[:1] == ["site-recovery"],
                config_dir,
            )
            for argv in request["commands"]
        ]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
