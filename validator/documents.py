"""An input document as the engines read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InputDocument:
    """One document to evaluate: where it came from, its kind, its JSON text and value.

    `text` and `value` are what the policies read (validator.kinds: a kind may prepare
    them, as the ARM template kind resolves expressions); `source_text` and `syntax` are
    the file as written, for the lines findings point at.
    """

    path: str
    kind: str
    text: str
    value: Any
    source_text: str = ""
    syntax: str = "json"
