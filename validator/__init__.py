"""asr-guard: stop changes that silently break Azure Site Recovery replication.

The library behind the `asr-guard` command:

    from validator import Checker, Options

    with Checker(Options(paths=["plan.json"], inventories=["replicated-vms.yaml"])) as checker:
        result = checker.run()
    for finding in result.findings:
        print(finding.severity, finding.rule_id, finding.resource, finding.message)
    print("passed" if result.passed else "failed")

Every error is an AsrGuardError: the run could not be evaluated, so the gate fails closed.
"""

from validator.__version__ import __version__
from validator.check import Checker, Options
from validator.errors import AsrGuardError, EngineError, InputError, OutputError, UsageError
from validator.findings import Finding, Location
from validator.result import InputResult, RunResult

__all__ = [
    "AsrGuardError",
    "Checker",
    "EngineError",
    "Finding",
    "InputError",
    "InputResult",
    "Location",
    "Options",
    "OutputError",
    "RunResult",
    "UsageError",
    "__version__",
]
