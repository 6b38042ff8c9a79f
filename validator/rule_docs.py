"""The rule pages (docs/rules/ASR0NN.md): one per support-matrix rule, what triggers it for
each input kind, why (Microsoft's sentence, or the project's policy), examples, the
workaround and how to waive it. `asr-guard rules --explain` prints a page; the SARIF report
carries it as each rule's help.

A page starts with its heading and a list of facts, read here:

    # ASR002: Restored or copied disk put on a replicated VM

    - Severity: deny
    - Basis: documented
    - Applies to: terraform-plan, arm-whatif, arm-template, backup-restore-request
    - Documentation: https://learn.microsoft.com/...

The documentation link is the rule's help URI (the matrix's `docs`, a test holds them equal).
Links relative to the page (to its examples) lead nowhere where the help is shown (a code
scanning alert), so the help keeps their text and names the path in the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from validator.data_files import rule_docs_dir

RULE_ID = re.compile(r"ASR\d{3}")
_FACT = re.compile(r"^- (Severity|Basis|Applies to|Documentation): (.+)$", re.MULTILINE)
_HEADING = re.compile(r"^# (ASR\d{3}): (.+)$", re.MULTILINE)
_RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://|#)([^)\s]+)\)")
# Where the pages are in the repository, to name a relative link's target in the help.
REPO_DIR = PurePosixPath("docs/rules")


@dataclass(frozen=True)
class RulePage:
    """A rule's page, as read: its facts and its text."""

    rule_id: str
    title: str
    severity: str
    basis: str
    applies_to: tuple[str, ...]
    docs: str
    text: str

    @property
    def help_markdown(self) -> str:
        """The page for a place that shows it outside the repository (SARIF rule help)."""
        return _RELATIVE_LINK.sub(_link_text, self.text)

    @property
    def help_uri(self) -> str:
        return self.docs


def _link_text(match: re.Match[str]) -> str:
    text, target = match.group(1), match.group(2)
    path = (REPO_DIR / target).as_posix()
    parts: list[str] = []
    for part in path.split("/"):  # docs/rules/../../examples/x -> examples/x
        if part == ".." and parts:
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    where = "/".join(parts)
    return text if text.strip("`") == where else f"{text} (`{where}`)"


def page_path(rule_id: str, directory: Path | None = None) -> Path:
    """Where a rule's page is (whether or not it exists)."""
    if not RULE_ID.fullmatch(rule_id):
        raise ValueError(f"not a rule id: {rule_id!r}")
    return (directory or rule_docs_dir()) / f"{rule_id}.md"


def parse(text: str, rule_id: str) -> RulePage:
    """A page's facts; ValueError naming what is missing when the page does not have them."""
    heading = _HEADING.search(text)
    if heading is None or heading.group(1) != rule_id:
        raise ValueError(f"{rule_id}: the page does not start with '# {rule_id}: <title>'")
    facts = {name: value.strip() for name, value in _FACT.findall(text)}
    missing = [n for n in ("Severity", "Basis", "Applies to", "Documentation") if n not in facts]
    if missing:
        raise ValueError(f"{rule_id}: the page has no {', '.join(missing)} line")
    return RulePage(
        rule_id=rule_id,
        title=heading.group(2).strip(),
        severity=facts["Severity"],
        basis=facts["Basis"],
        applies_to=tuple(kind.strip() for kind in facts["Applies to"].split(",")),
        docs=facts["Documentation"].strip("<>"),
        text=text,
    )


@cache
def rule_page(rule_id: str, directory: Path | None = None) -> RulePage | None:
    """A rule's page, or None when this installation has none for it (a rule of a newer
    matrix, a package built without the pages)."""
    try:
        return parse(page_path(rule_id, directory).read_text(encoding="utf-8"), rule_id)
    except (OSError, ValueError):  # tests/test_rule_docs.py holds every page to the format
        return None


def help_for(rule_id: str) -> tuple[str, str] | None:
    """A rule's help as (markdown, URI), for SARIF's rules[].help.markdown and helpUri."""
    page = rule_page(rule_id)
    return None if page is None else (page.help_markdown, page.help_uri)
