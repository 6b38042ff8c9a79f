"""The one place where asr-guard defers imports: modules loaded when first used, not at start.

A pre-commit hook checks one small file in well under 0.1 s, a third of it Python's own
start-up. The modules below would add to every such run what only some runs need, so a
module that uses one of them does not import it but names it here:

    if TYPE_CHECKING:
        from validator import arm
    else:
        arm = lazy.module("validator.arm")

Type checkers read the import; at run time `arm` is a stand-in that imports the module the
first time one of its attributes is read. Everything else is imported at the top of its
module, and nothing is imported inside a function (tests/test_imports.py checks both, and
that the pre-commit case loads none of these but the two every such run needs: its report
and jsonschema-rs, deferred only so that a large input's read-ahead, in a forked child,
begins before it: validator.engines.embedded.Ahead).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

# Each deferred module: what it brings in, about what that adds to a run (python -X importtime
# on a 2-core machine), and which runs need it.
DEFERRED = {
    "validator.yaml_values": "PyYAML, 10 ms: YAML inputs, inventories and waivers files",
    "validator.tfsource": "python-hcl2 and lark, 50 ms: .tf source lines and inline waivers",
    "validator.arm": "the ARM expression evaluator, 25 ms: ARM templates",
    "validator.arm_expressions": "(with validator.arm): ARM templates",
    "validator.parallel": "multiprocessing and concurrent.futures, 20 ms: many large inputs",
    "validator.engines.opa_server": "requests, 60 ms: --engine opa with an OPA server",
    "validator.engines.opa_binary": "(with opa_server) subprocess, 4 ms: the opa binary as engine",
    "validator.jsonc": "1 ms: ARM templates and parameters files beyond strict JSON",
    "validator.bundle": "tarfile and gzip, 7 ms: asr-guard bundle",
    "validator.report.text": "1 ms: --format text",
    "validator.report.json_report": "1 ms: --format json",
    "validator.report.sarif": "2 ms: --format sarif",
    "validator.report.junit": "xml.etree, 3 ms: --format junit",
    "validator.report.ci_annotations": "1 ms: --format github and --format azure",
    "validator.report.markdown": "1 ms: --format markdown",
    "tempfile": "with shutil, bz2 and lzma, 3 ms: --output (a report written whole or not at all)",
    "difflib": "1 ms: the diff of a remediation patch to a .tf file (asr-guard fix, reports)",
    "subprocess": "with threading and signal, 3 ms: asr-guard ci (terraform show, the CI's tools)",
    "validator.rule_docs": "1 ms: asr-guard rules --explain, --format sarif (each rule's help)",
    "validator.verify": "2 ms: asr-guard verify",
    "validator.change_view": "(with the embedded engine) 1 ms: asr-guard view and asr-guard rules",
    "jsonschema_rs": "with email, socket and decimal, 15 ms: every input and waivers file is "
    "validated, but a large input's read-ahead (engines.embedded.Ahead) begins before",
    "validator.ci": "1 ms: asr-guard ci, and the parser of every command (not built for a run of "
    "check)",
    "validator.completion": "1 ms: asr-guard completion, and the parser of every command",
    "validator.remediation.render": "with quoting and runbook (shlex, unicodedata), 3 ms: a "
    "text report of a finding with a remediation",
    "validator.remediation.fix": "1 ms: asr-guard fix, --expect-remediation, Terraform "
    "remediations in reports (python-hcl2 only once a .tf directory is read)",
}


class _Deferred(ModuleType):
    """Stands in for a module until one of its attributes is read, then imports it."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attribute)


def module(name: str) -> ModuleType:
    """A stand-in for the module `name`, which must be listed in DEFERRED with its reason."""
    if name not in DEFERRED:
        raise ValueError(f"{name} is not a deferred module: import it, or list it in DEFERRED")
    return _Deferred(name)
