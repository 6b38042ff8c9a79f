"""Input text made safe for where a report is read.

A resource name, a Terraform address or an unresolved template expression is text the
author of an input chose. Printed raw it could start a CI log command (GitHub's `::`
workflow commands, Azure's `##vso[` logging commands, both read from any line of a step's
output), move the cursor or recolour a terminal (ANSI escapes), render HTML or images, or
ping a team in a pull-request comment. Each function here neutralises text for one reader.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that change how a line reads or where it ends: C0/C1 controls, DEL, line
# and paragraph separators, and the bidirectional overrides (Trojan Source).
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SHOWN = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> str:
    if char in _SHOWN:
        return _SHOWN[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    return char in _BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp")


def line(text: str) -> str:
    """Text on one line, for a terminal or a CI log: control characters shown as escapes,
    and no `##` (Azure's `##vso[`/`##[` commands) or `::` (GitHub's) left in it."""
    if text.isascii() and text.isprintable() and "##" not in text and "::" not in text:
        return text
    shown = "".join(_visible(char) if _unsafe(char) else char for char in text)
    return shown.replace("##", "#\\x23").replace("::", ":\\x3a")


# Markdown: the characters that can start emphasis, a link, an image, a code span, a table
# cell, an HTML tag or entity, a heading, a list or an autolink become numeric character
# references; GitHub renders them as the characters, never as syntax.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-!|<>&@~^=:\"']")


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def markdown(text: str) -> str:
    """Input text as Markdown prose (a table cell): punctuation as character references,
    `@` followed by a word joiner (no mention), on one line."""
    escaped = _MARKDOWN_SPECIAL.sub(_reference, line(text))
    return escaped.replace("&#64;", "&#64;\u2060")


def markdown_code(text: str) -> str:
    """Input text as inline code in Markdown (a table cell): inside <code>, where GitHub
    neither links mentions nor URLs, with every special character escaped."""
    return f"<code>{markdown(text)}</code>"


# XML 1.0 allows tab, line feed, carriage return and these ranges; nothing else.
_XML_FORBIDDEN = "[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def xml(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids shown as escapes."""
    # (The pattern is compiled when JUnit first needs it, by re's cache: compiling it costs
    # 6 ms, a tenth of a pre-commit run that writes no XML.)
    return re.sub(_XML_FORBIDDEN, lambda match: _visible(match.group()), text)


def json_text(text: str) -> str:
    """A JSON document's text with no `##` or `::` in it, the same document when parsed:
    `#` and `:` inside strings written as \\u escapes (JSON syntax has neither doubled)."""
    return text.replace("##", "#\\u0023").replace("::", ":\\u003a")


def xml_text(text: str) -> str:
    """An XML document's text with no `##` or `::` in it, the same document when parsed."""
    return text.replace("##", "#&#35;").replace("::", ":&#58;")
