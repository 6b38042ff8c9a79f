"""Where the policy pack and the JSON Schemas live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def policies_dir() -> Path:
    return _data_dir("policies")


def schemas_dir() -> Path:
    return _data_dir("schemas")


def rule_docs_dir() -> Path:
    """The rule pages (docs/rules in a checkout)."""
    installed = _PACKAGE_DIR / "_data" / "rules"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "docs" / "rules"
