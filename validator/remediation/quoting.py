"""Values put into generated scripts and HCL: checked first, then quoted for their language.

A runbook generator must not become an injection path: every id is checked against the
Azure resource id grammar before it is used, and every value is quoted for the shell that
runs it (POSIX single quotes via shlex, PowerShell single quotes with '' doubling), so a
value is data to the script, never code.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from validator.errors import AsrGuardError

# /subscriptions/<guid or {placeholder}>/resourceGroups/<name>/providers/<ns>/<type>/<name>...
# Names: letters, digits and - _ . ( ); no quote, space, $, ` or control character.
_SEGMENT = r"[A-Za-z0-9_.()\-]+"
_ARM_ID = re.compile(
    rf"^/subscriptions/[0-9A-Fa-f\-]{{36}}/resourceGroups/{_SEGMENT}/providers/"
    rf"[A-Za-z][A-Za-z0-9.]*(?:/{_SEGMENT}/{_SEGMENT})+$",
    re.IGNORECASE,
)
_NAME = re.compile(rf"^{_SEGMENT}$")
_RECOVERY_POINT = re.compile(r"^[0-9A-Za-z\-]{1,64}$")


class UnsafeValue(AsrGuardError):
    """A value that is not what it claims to be (an id, a name): no script is written."""


def arm_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ARM_ID.fullmatch(value) or ".." in value:
        raise UnsafeValue(
            f"{what} is not an Azure resource id asr-guard can put in a script: {value!r}"
        )
    return value


def name(value: object, what: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise UnsafeValue(f"{what} is not a name asr-guard can put in a script: {value!r}")
    return value


def recovery_point(value: object) -> str:
    if not isinstance(value, str) or not _RECOVERY_POINT.fullmatch(value):
        raise UnsafeValue(
            f"the recovery point id is not one asr-guard can put in a script: {value!r}"
        )
    return value


def id_part(resource_id: str, key: str) -> str:
    """The segment after `key` in an id (case-insensitive key), e.g. resourceGroups -> name."""
    parts = resource_id.split("/")
    for i, part in enumerate(parts[:-1]):
        if part.lower() == key.lower():
            return parts[i + 1]
    raise UnsafeValue(f"{resource_id!r} has no {key} segment")


def bash(argv: Sequence[str]) -> str:
    """One bash command line from an argument list."""
    return " ".join(_bash_word(arg) for arg in argv)


def _bash_word(arg: str) -> str:
    # "${ARRAY[@]}" and "$VAR" references the generator itself writes stay unquoted words.
    if re.fullmatch(r'"\$\{[A-Z_]+\[@\]\}"|"\$[A-Z_]+"|"\$\([^"]*\)"', arg):
        return arg
    return shlex.quote(arg)


def pwsh(value: str) -> str:
    """A PowerShell single-quoted string literal: no expansion; ' doubled."""
    if any(ord(char) < 32 for char in value):
        raise UnsafeValue(f"a control character in a value for PowerShell: {value!r}")
    # PowerShell also reads the typographic single quotes as quotes: double them as well.
    escaped = "".join(char * 2 if char in "'\u2018\u2019\u201a\u201b" else char for char in value)
    return f"'{escaped}'"


def hcl_string(value: str) -> str:
    """An HCL quoted string: \\ and " escaped, ${ and %{ template sequences doubled."""
    if any(ord(char) < 32 for char in value):
        raise UnsafeValue(f"a control character in a value for HCL: {value!r}")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


_ADDRESS = re.compile(
    r'^(?:module\.[A-Za-z_][\w-]*(?:\[(?:\d+|"[\w.\-]+")\])?\.)*'
    r'[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\[(?:\d+|"[\w.\-]+")\])?$'
)


def tf_address(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise UnsafeValue(f"{what} is not a Terraform resource address: {value!r}")
    return value
