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
that the pre-commit case loads none of these).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

# Each deferred module, with what it would cost every run (python -X importtime, one core of
# the benchmark machine) and when it is needed.
DEFERRED = {
    "validator.yaml_values": "PyYAML, 10 ms: YAML inputs, inventories and waivers files",
    "validator.tfsource": "python-hcl2 and lark, 70 ms: .tf source lines and inline waivers",
    "validator.arm": "the ARM expression evaluator, 5 ms: ARM templates",
    "validator.arm_expressions": "the ARM expression evaluator: ARM templates",
    "validator.parallel": "multiprocessing and concurrent.futures, 15 ms: many large inputs",
    "validator.engines.opa_server": "opa-python-client, requests, aiohttp, 130 ms: --engine opa",
    "validator.report.text": "--format text",
    "validator.report.json_report": "--format json",
    "validator.report.sarif": "--format sarif",
    "validator.report.junit": "--format junit (xml.etree)",
    "validator.report.ci_annotations": "--format github and --format azure",
    "validator.report.markdown": "--format markdown",
    "tempfile": "with shutil, bz2 and lzma, 3 ms: --output (a report written whole or not at all)",
    "validator.verify": "asr-guard verify",
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
