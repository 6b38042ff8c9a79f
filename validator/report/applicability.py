"""Which rules can apply to an input of a kind, read from the policy pack itself.

The entrypoint (policies/asr_guard/main/main.rego) says which package gives the findings of
each kind (`kind_findings := data.asr_guard.<package>.findings if kind ...`); the rules that
can apply are the scenarios named in that package and in the packages it reads, directly or
through others. So a JUnit report does not count a restore rule as a passed test of a plan.
"""

from __future__ import annotations

import re
from functools import cache

from validator.policy import load_pack

_KIND_PACKAGE = re.compile(
    r"kind_findings := data\.asr_guard\.(\w+)\.findings if kind (?:== \"([^\"]+)\"|in (\w+))"
)
_REFERENCE = re.compile(r"data\.asr_guard\.(\w+)")
_LITERAL = re.compile(r"\"([a-z0-9_]+)\"")


def _package(module: str) -> str:
    parts = module.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "asr_guard" else module


@cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """(kind -> package giving its findings, package -> its sources joined)."""
    pack = load_pack()
    sources: dict[str, str] = {}
    for name, source in pack.modules:
        sources[_package(name)] = sources.get(_package(name), "") + "\n" + source
    main = sources.get("main", "")
    packages: dict[str, str] = {}
    for package, kind, kind_set in _KIND_PACKAGE.findall(main):
        if kind:
            packages[kind] = package
            continue
        members = re.search(rf"{kind_set} := \{{([^}}]*)\}}", main)
        for member in re.findall(r"\"([^\"]+)\"", members.group(1) if members else ""):
            packages[member] = package
    return packages, sources


@cache
def scenarios(kind: str) -> frozenset[str] | None:
    """The scenarios a rule of which can apply to an input of this kind; None: not known."""
    packages, sources = _index()
    start = packages.get(kind)
    if start is None:
        return None
    seen, todo = {start}, [start]
    while todo:
        for reference in _REFERENCE.findall(sources.get(todo.pop(), "")):
            if reference not in seen and reference != "main":
                seen.add(reference)
                todo.append(reference)
    named = {literal for package in seen for literal in _LITERAL.findall(sources.get(package, ""))}
    return frozenset(named & set(load_pack().matrix["scenarios"]))
