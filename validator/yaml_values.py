"""YAML inputs read safely as JSON values: no object construction, alias expansion bounded.

Imported only when a YAML document is read, so that JSON inputs do not pay for PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from validator.errors import InputError

_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonValuesLoader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """A safe loader that keeps YAML 1.1 timestamps as strings: inputs are JSON values."""


_JsonValuesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()
}
_YAML_LOADER = _JsonValuesLoader

# Values a YAML document may expand to through its aliases ("billion laughs" guard).
MAX_YAML_VALUES = 1_000_000


def _expanded_size(node: yaml.Node, sizes: dict[int, int], limit: int) -> int:
    """How many values the node stands for once aliases are expanded (stops past limit)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes, limit)
        if total > limit:
            break
    sizes[id(node)] = total
    return total


def parse(source: str, text: str, max_values: int = MAX_YAML_VALUES) -> Any:
    try:
        loader = _YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _expanded_size(node, {}, max_values) > max_values:
                raise InputError(
                    source, f"YAML aliases expand to more than {max_values} values: refused"
                )
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        raise InputError(source, f"invalid YAML: {exc.problem}{column}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError(source, "invalid YAML: nested too deeply") from None
