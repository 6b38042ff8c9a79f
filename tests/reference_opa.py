"""The real OPA engine (OPA 1.20.2 as a Go library, opa-golib-python-bindings), for tests only.

It is the reference the embedded engine is compared with, and the engine behind the
local OPA REST server that the `opa` backend is tested against.
"""

from __future__ import annotations

import json
from typing import Any

from opa_bindings import OpaEngine, OpaUndefinedError

from validator.policy import ENTRYPOINT, PolicyData, PolicyPack


class ReferenceOpa:
    def __init__(
        self,
        pack: PolicyPack,
        data: PolicyData | None = None,
        *,
        with_tests: bool = False,
    ) -> None:
        self._engine = OpaEngine()
        modules = pack.modules + (pack.test_modules if with_tests else ())
        for name, source in modules:
            self._engine.add_policy(name, source)
        # Through JSON like the embedded engine, so both see the very same document.
        document = (data or PolicyData(pack.matrix)).document()
        self._engine.add_data(json.loads(json.dumps(document)))

    def query(self, rule: str, input_value: Any = None) -> Any:
        """The value of a rule path like data.a.b, or None when undefined."""
        path = rule.removeprefix("data.")
        try:
            return self._engine.eval_document(path, input_value)
        except OpaUndefinedError:
            return None

    def close(self) -> None:
        self._engine.close()


def reference_decision(pack: PolicyPack, data: PolicyData | None, input_value: Any) -> Any:
    """The entrypoint's value for one input on a real OPA of its own with this data."""
    reference = ReferenceOpa(pack, data)
    try:
        return reference.query(ENTRYPOINT, input_value)
    finally:
        reference.close()
