"""The real OPA engine (OPA 1.20.2 as a Go library, opa-golib-python-bindings), for tests only.

It is the reference the embedded engine is compared with, and the engine behind the
local OPA REST server that the `opa` backend is tested against.
"""

from __future__ import annotations

import atexit
import hashlib
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


# One engine per pack and data document, kept for the test session. OPA prepares (compiles)
# the pack once per distinct query on an engine, about a second each: an engine per input
# cost the suite minutes. The input is given with each query, so nothing of one input
# stays for the next.
_SHARED: dict[str, ReferenceOpa] = {}


def _close_shared() -> None:
    for engine in _SHARED.values():
        engine.close()
    _SHARED.clear()


atexit.register(_close_shared)


def shared_reference(pack: PolicyPack, data: PolicyData | None = None) -> ReferenceOpa:
    """A real OPA with this pack (its policies, not its tests) and this data document."""
    document = (data or PolicyData(pack.matrix)).document()
    key = hashlib.sha256()
    for name, source in pack.modules:
        key.update(f"{len(name)}:{name}{len(source)}:{source}".encode())
    key.update(json.dumps(document, sort_keys=True).encode())
    digest = key.hexdigest()
    if digest not in _SHARED:
        _SHARED[digest] = ReferenceOpa(pack, data)
    return _SHARED[digest]


def reference_decision(pack: PolicyPack, data: PolicyData | None, input_value: Any) -> Any:
    """The entrypoint's value for one input on a real OPA with this pack and data."""
    return shared_reference(pack, data).query(ENTRYPOINT, input_value)
