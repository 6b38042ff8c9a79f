"""Template JSON as Azure Resource Manager accepts it, beyond strict JSON.

ARM templates may hold `//` and `/* */` comments, strings that run over several lines and
trailing commas ("Comments and metadata" and "Multi-line strings" in
https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax; Azure's own
quickstart templates use all three). Strict JSON stays the fast path (`json.loads`): this
module is used only for a text that strict JSON refuses.

It is a small exact pre-pass rather than a JSON5 library: JSON5 refuses a raw line break
inside a string (which ARM accepts) and accepts much that ARM templates do not need
(unquoted keys, hexadecimal numbers, `Infinity`). Of the 22 Azure quickstart templates that
strict JSON refuses, json5 0.17 and pyjson5 2.0 read 13 and commentjson 0.9 reads 10; this
pre-pass reads all 22 (and a 3 MB template with a comment in 0.3 s, where json5 takes 50 s,
commentjson 75 s and pyjson5 0.1 s). `blank` replaces every comment and every
trailing comma with spaces of the same length, keeping line breaks, so that the text keeps
its length and every value its line and column; `json.loads(strict=False)` then reads the
result, raw control characters in strings included.

`json()` and `base64ToJson()` in template expressions read JSON as ARM's parser does,
which also takes single-quoted strings (Microsoft's own example:
`base64ToJson(base64('{''one'': ''a''}'))`, in
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string#base64tojson):
`loads_lenient(text, single_quotes=True)`.

What ARM reads this way are templates and parameters files: `lenient_template` keeps a
value only if it is one (validator.loading reads every other file as strict JSON).
"""

from __future__ import annotations

import json
import re
from typing import Any

# Outside strings, the pieces that matter: strings (kept), comments (blanked), commas and
# closing brackets (a comma followed only by space and comments before a closing bracket is
# a trailing comma), and runs of anything else.
_PIECES = re.compile(
    r'"(?:[^"\\]|\\[\s\S])*"'
    r"|'(?:[^'\\]|\\[\s\S])*'"
    r"|//[^\n]*"
    r"|/\*[\s\S]*?\*/"
    r"|[,\]}]"
    r"|\s+"
    r"|[^\s\"',\]}/]+"
    r"|[\s\S]"  # anything else, one character: kept, for json.loads to judge
)


class LenientJSONError(ValueError):
    """The text is not JSON even with comments, trailing commas and multi-line strings."""

    def __init__(self, message: str, position: int, text: str) -> None:
        self.msg = message
        self.lineno = text.count("\n", 0, position) + 1
        self.colno = position - (text.rfind("\n", 0, position) + 1) + 1
        super().__init__(f"{message} (line {self.lineno}, column {self.colno})")


def _blank(piece: str) -> str:
    return re.sub(r"[^\n]", " ", piece)


def _normalise(text: str, single_quotes: bool) -> str:
    out: list[str] = []
    comma_at: int | None = None  # index in out of a comma that may be trailing
    after_value = False  # the last piece that is not space or a comment ends a value
    for match in _PIECES.finditer(text):
        piece = match.group()
        first = piece[0]
        if first.isspace():
            out.append(piece)
            continue
        if piece.startswith(("//", "/*")) and len(piece) > 1:
            out.append(_blank(piece))
            continue
        if first == ",":
            # Only a comma after a value can be a trailing one; any other is left for
            # json.loads to refuse.
            comma_at = len(out) if after_value else None
            after_value = False
        elif first in "]}":
            if comma_at is not None:
                out[comma_at] = " "
            comma_at = None
            after_value = True
        else:
            comma_at = None
            if first == "'":
                if not single_quotes:
                    raise LenientJSONError("single-quoted string", match.start(), text)
                piece = json.dumps(_single_quoted(piece))
            elif first == "/" and text.startswith("/*", match.start()):
                raise LenientJSONError("unterminated comment", match.start(), text)
            after_value = piece[-1] not in "{[:"
        out.append(piece)
    return "".join(out)


def _single_quoted(piece: str) -> str:
    """The value of a single-quoted string, with JSON's escapes and \\' for a quote."""
    body = piece[1:-1].replace('"', '\\"').replace("\\'", "'")
    value: str = json.loads(f'"{body}"', strict=False)
    return value


def blank(text: str) -> str:
    """The text with comments and trailing commas replaced by spaces (same length and lines)."""
    return _normalise(text, single_quotes=False)


def loads_lenient(text: str, single_quotes: bool = False) -> Any:
    """Parse JSON with comments, trailing commas and raw line breaks in strings.

    Raises LenientJSONError (a ValueError) with the line and column of the fault.
    """
    try:
        return json.loads(_normalise(text, single_quotes), strict=False)
    except json.JSONDecodeError as exc:
        raise LenientJSONError(exc.msg, exc.pos, text) from None


def is_template(value: Any) -> bool:
    """An ARM deployment template (any deployment scope), by its $schema."""
    return (
        isinstance(value, dict)
        and "deploymenttemplate.json" in str(value.get("$schema", "")).lower()
        and "resources" in value
    )


def is_parameters(value: Any) -> bool:
    """An ARM deployment parameters file, by its $schema."""
    return (
        isinstance(value, dict)
        and "deploymentparameters.json" in str(value.get("$schema", "")).lower()
    )


def lenient_template(text: str) -> Any:
    """A text that strict JSON refuses, read as ARM reads templates and parameters files
    (comments, trailing commas, multi-line strings): the value if it is one, else None."""
    try:
        value = loads_lenient(text)
    except (ValueError, RecursionError):
        return None
    return value if is_template(value) or is_parameters(value) else None
