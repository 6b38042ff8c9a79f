"""`asr-guard view` and `asr-guard rules`: what the policies read, and the rules they apply.

The change view is computed by the policies themselves (data.asr_guard.view.current, on the
embedded engine): this module only loads the input as a check would and prints what the
rules read, so that a user sees it. The rules list is the support matrix, as written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from validator import inputs, kinds
from validator.engines.embedded import EmbeddedEngine
from validator.errors import InputError
from validator.files import Candidate
from validator.inventory import inventory_data
from validator.policy import PolicyData, load_pack

VIEW = "data.asr_guard.view.current"


def of_file(
    path: str, inventories: Sequence[str], parameters: Sequence[str], scope: str | None
) -> dict[str, Any]:
    """The change view of one input, with this inventory."""
    context = kinds.run_context(parameters=parameters, scope=scope)
    document = inputs.load_input(Candidate(path), context=context)
    if document is None:
        raise InputError(path, "not a supported input")
    pack = load_pack()
    inventory = inventory_data(inventories) if inventories else None
    engine = EmbeddedEngine(pack, PolicyData(matrix=pack.matrix, inventory=inventory))
    engine.read(document)
    view = engine.query(VIEW)
    if not isinstance(view, dict):
        raise InputError(
            path,
            f"a {document.kind} is not a change (plans, what-if results and templates are)",
        )
    return view


def render_rules(matrix: dict[str, Any], fmt: str) -> str:
    """Every rule of the support matrix: id, severity, title, basis, input kinds, source."""
    rows = sorted(
        (
            {
                "rule_id": row["rule_id"],
                "scenario": scenario,
                "severity": row["severity"],
                "title": row["title"],
                "basis": row["basis"],
                "applies_to": row["applies_to"],
                "matrix_row": row["matrix_row"],
                "source": row["source"],
                "docs": row["docs"],
            }
            for scenario, row in matrix["scenarios"].items()
        ),
        key=lambda row: row["rule_id"],
    )
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    lines = []
    for row in rows:
        lines.append(f"{row['rule_id']}  {row['severity']:<5}  {row['title']} ({row['basis']})")
        lines.append(f"        applies to: {', '.join(row['applies_to'])}")
        lines.append(f"        {row['source']['url']}")
        lines.append(f'        "{row["source"]["quote"]}"')
    return "\n".join(lines) + "\n"
