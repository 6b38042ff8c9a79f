"""`asr-guard verify`: the policy pack's Rego unit tests, run on the embedded engine."""

from __future__ import annotations

from dataclasses import dataclass

from validator.engines.embedded import EmbeddedEngine
from validator.errors import EngineError
from validator.policy import PolicyPack, RegoTest, load_pack


@dataclass(frozen=True)
class RegoTestResult:
    test: RegoTest
    passed: bool
    error: str | None = None  # why the test could not be evaluated


def run_tests(pack: PolicyPack | None = None) -> list[RegoTestResult]:
    """Every test rule of the pack (test_* in *_test.rego): passed when it is true."""
    pack = pack or load_pack()
    engine = EmbeddedEngine(pack)
    engine.add_test_modules(pack)
    results = []
    for test in pack.tests():
        try:
            results.append(RegoTestResult(test, engine.query(test.query) is True))
        except EngineError as exc:
            results.append(RegoTestResult(test, False, str(exc)))
    return results
