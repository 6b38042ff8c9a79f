"""JSON Schema checks with one-line errors that say where the document is wrong."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from validator.errors import InputError
from validator.resources import schemas_dir


@cache
def load_schema(name: str) -> dict[str, Any]:
    path = schemas_dir() / name
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def validator_for(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def pointer(path: Any) -> str:
    return "/" + "/".join(str(part) for part in path) if path else "(document root)"


def check(source: str, value: Any, schema_name: str, what: str) -> None:
    """Raise InputError naming the first, most relevant violation."""
    error = best_match(validator_for(schema_name).iter_errors(value))
    if error is not None:
        raise InputError(
            source, f"not a valid {what}: at {pointer(error.absolute_path)}: {error.message}"
        )
