"""Which rules can apply to an input of a kind: the matrix says, per rule (`applies_to`).

So a JUnit report does not count a restore rule as a passed test of a plan.
"""

from __future__ import annotations

from functools import cache

from validator.policy import load_pack


@cache
def scenarios(kind: str) -> frozenset[str] | None:
    """The scenarios whose rules can fire on an input of this kind; None: the matrix does
    not say (every rule is counted)."""
    rows = load_pack().matrix["scenarios"]
    if not all(isinstance(row.get("applies_to"), list) for row in rows.values()):
        return None
    return frozenset(name for name, row in rows.items() if kind in row["applies_to"])
