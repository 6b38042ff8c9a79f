"""`asr-guard check` configured once: a config file and ASR_GUARD_* environment variables.

The config file is the nearest `.asr-guard.yaml` (or `.yml`) or `pyproject.toml` with a
`[tool.asr-guard]` table, from the working directory upward. Its keys are the options' long
names (`inventory`, `waivers`, `scope`, `fail-on`, `require-inventory`, `rule`, `skip-rule`,
...); files in it are relative to the file's own directory. Each option also has an
environment variable, ASR_GUARD_<NAME> (`ASR_GUARD_FAIL_ON=warn`,
`ASR_GUARD_INVENTORY="a.yaml b.yaml"`, `ASR_GUARD_REQUIRE_INVENTORY=true`,
`ASR_GUARD_SKIP_RULE="ASR023 ASR025"`). The command line wins over the environment, the
environment over the file; a repeatable option given on the command line adds to the
environment's or file's list.

`format` lists the reports, each `NAME` (to standard output) or `NAME=FILE` (as `--format NAME
--output FILE`): `format: [text, sarif=asr-guard.sarif]`, `ASR_GUARD_FORMAT="text
sarif=asr-guard.sarif"`. Any --format or --output on the command line replaces the whole list
(one format at most goes to standard output).
"""

from __future__ import annotations

import argparse
import os
import shlex
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.errors import InputError

if TYPE_CHECKING:
    from validator import yaml_values
else:
    yaml_values = lazy.module("validator.yaml_values")

NAMES = (".asr-guard.yaml", ".asr-guard.yml", "pyproject.toml")
# The options a config file or the environment may set (argparse dests), and which of them
# name files (made relative to the config file's directory).
SETTABLE = (
    "inventory", "waivers", "parameters", "scope", "fail_on", "tf_dir", "require_inventory",
    "soft_fail", "quiet", "engine", "opa_url", "opa_path", "opa_timeout", "jobs", "max_bytes",
    "color", "path_base", "skip_unsupported", "title", "rule", "skip_rule",
)  # fmt: skip
FILES = frozenset({"inventory", "waivers", "tf_dir", "opa_path", "path_base"})
# The reports (`format`, NAME or NAME=FILE), kept apart from the command line's --format and
# --output (validator.cli reads this dest when the command line names none).
REPORTS = "configured_reports"
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


def find(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file and its settings (raw), from `start` upward."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in NAMES:
            path = folder / name
            if not path.is_file():
                continue
            settings = _read(path)
            if settings is not None:
                return path, settings
    return None


def _read(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
        if path.name == "pyproject.toml":
            table = tomllib.loads(text).get("tool", {}).get("asr-guard")
            if table is None:
                return None  # a pyproject.toml without our table: keep looking upward
        else:
            table = yaml_values.parse(str(path), text) if text.strip() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(path), f"cannot read the config: {exc}") from None
    if not isinstance(table, dict):
        raise InputError(str(path), "the config is not a mapping of option names to values")
    return table


def _action(parser: argparse.ArgumentParser, dest: str) -> argparse.Action:
    return next(action for action in parser._actions if action.dest == dest)


def _convert(
    parser: argparse.ArgumentParser, dest: str, value: Any, where: str, base: Path | None
) -> Any:
    action = _action(parser, dest)
    option = action.option_strings[-1]
    if isinstance(action, argparse._StoreTrueAction):
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if not isinstance(value, bool):
            raise InputError(where, f"{option}: true or false, not {value!r}")
        return value
    if isinstance(action, argparse._AppendAction):
        items = shlex.split(value) if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InputError(where, f"{option}: a list of strings")
        return [_file(i, base) if dest in FILES else i for i in items]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InputError(where, f"{option}: a string or number, not {value!r}")
    text = str(value)
    try:
        converted = action.type(text) if callable(action.type) else text
    except (ValueError, argparse.ArgumentTypeError):
        raise InputError(where, f"{option}: not a valid value: {text!r}") from None
    if action.choices is not None and converted not in action.choices:
        choices = ", ".join(map(str, action.choices))
        raise InputError(where, f"{option}: {text!r} is not one of {choices}")
    return _file(str(converted), base) if dest in FILES else converted


def _file(value: str, base: Path | None) -> str:
    return value if base is None or Path(value).is_absolute() else str(base / value)


def apply(parser: argparse.ArgumentParser, start: Path | None = None) -> None:
    """Set the defaults of `parser` (asr-guard check) from the config file, then from the
    environment; raise InputError naming the file or variable and the option."""
    defaults: dict[str, Any] = {}
    found = find(start)
    if found is not None:
        path, settings = found
        for key, value in settings.items():
            dest = str(key).replace("-", "_")
            if dest == "format":
                defaults[REPORTS] = _reports(parser, value, str(path), path.parent)
                continue
            if dest not in SETTABLE:
                raise InputError(
                    str(path), f"unknown option {key!r} (known: {', '.join(SETTABLE)})"
                )
            defaults[dest] = _convert(parser, dest, value, str(path), path.parent)
    for dest in SETTABLE:
        variable = f"ASR_GUARD_{dest.upper()}"
        if variable in os.environ:
            defaults[dest] = _convert(parser, dest, os.environ[variable], variable, None)
    if "ASR_GUARD_FORMAT" in os.environ:
        variable = "ASR_GUARD_FORMAT"
        defaults[REPORTS] = _reports(parser, os.environ[variable], variable, None)
    parser.set_defaults(**defaults)


def _reports(
    parser: argparse.ArgumentParser, value: Any, where: str, base: Path | None
) -> list[tuple[str, str]]:
    """`format` as the (option, value) events --format and --output would give."""
    items = shlex.split(value) if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise InputError(where, "--format: a list of NAME or NAME=FILE")
    choices = _action(parser, "format").choices or ()
    events: list[tuple[str, str]] = []
    for item in items:
        name, equals, file = item.partition("=")
        if name not in choices:
            known = ", ".join(map(str, choices))
            raise InputError(where, f"--format: {name!r} is not one of {known}")
        events.append(("format", name))
        if equals:
            if not file.strip():
                raise InputError(where, f"--format: {item!r} names no file after '='")
            events.append(("output", _file(file, base)))
    return events
