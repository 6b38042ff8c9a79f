"""What every format says when the gate could not know, or was told not to look."""

from __future__ import annotations

NO_INVENTORY = "replication known only from the input"


def no_inventory_note(path: str) -> str:
    return (
        f"{NO_INVENTORY}: no inventory was given and {path} names no replicated VM itself, "
        "so a VM it changes is treated as not replicated (give --inventory)"
    )


def skipped_rules_note(skipped: tuple[str, ...]) -> str:
    """The rules the policies left out of the run (--rule, --skip-rule)."""
    return f"{len(skipped)} rule(s) not checked (--rule/--skip-rule): {', '.join(skipped)}"


def undecided_headline(count: int) -> str:
    return f"no denials, but {count} value(s) could not be decided"
