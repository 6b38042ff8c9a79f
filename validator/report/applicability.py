"""Which rules can apply to an input of a kind: the support matrix's `applies_to`.

Each rule of the matrix (policies/asr_guard/matrix/data.json) lists the input kinds it can
fire on; tests/test_rule_docs.py holds that list to what the rules really do (an example per
kind). So a JUnit report does not count a restore rule as a passed test of a plan.
"""

from __future__ import annotations

from functools import cache

from validator.policy import load_pack


@cache
def scenarios(kind: str) -> frozenset[str] | None:
    """The scenarios a rule of which can apply to an input of this kind; None: not known."""
    rows = load_pack().matrix["scenarios"]
    named = frozenset(
        scenario for scenario, row in rows.items() if kind in (row.get("applies_to") or ())
    )
    return named or None
