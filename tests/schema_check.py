"""python-jsonschema, the reference validator: checks our output and our own schemas."""

from __future__ import annotations

from typing import Any

import jsonschema

from validator.schemas import load_schema


def validate(document: Any, schema_name: str) -> None:
    schema = load_schema(schema_name)
    cls = jsonschema.validators.validator_for(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(document)
