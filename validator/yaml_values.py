"""Everything asr-guard does with PyYAML: YAML read safely as JSON values (no object
construction, alias expansion bounded), and the lines of its nodes.

Deferred (validator.lazy): JSON inputs do not pay for PyYAML.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import yaml

from validator import bounds
from validator.errors import InputError

_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonValuesLoader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """A safe loader that keeps YAML 1.1 timestamps as strings: inputs are JSON values."""


_JsonValuesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()
}
_YAML_LOADER = _JsonValuesLoader


def _not_json(name: str) -> Any:
    def refuse(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        raise yaml.constructor.ConstructorError(
            None, None, f"a {name} value is not a JSON value: refused", node.start_mark
        )

    return refuse


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """An integer, or an error at its place past the digits Python converts."""
    try:
        return loader.construct_yaml_int(node)
    except ValueError as exc:
        if not bounds.is_int_digits_error(exc):
            raise
        digits = sum(char.isdigit() for char in str(node.value))
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"an integer of {digits} digits, over the {bounds.max_int_digits()} asr-guard reads: "
            "refused",
            node.start_mark,
        ) from None


def _float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A finite number: .inf and .nan are not JSON values."""
    value = loader.construct_yaml_float(node)
    if math.isinf(value) or math.isnan(value):
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value} is not a JSON number: refused", node.start_mark
        )
    return value


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """An explicit !!timestamp, kept as written, as an implicit one is."""
    return loader.construct_scalar(node)


_JsonValuesLoader.add_constructor("tag:yaml.org,2002:int", _int)
_JsonValuesLoader.add_constructor("tag:yaml.org,2002:float", _float)
_JsonValuesLoader.add_constructor("tag:yaml.org,2002:binary", _not_json("!!binary"))
_JsonValuesLoader.add_constructor("tag:yaml.org,2002:set", _not_json("!!set"))
_JsonValuesLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

# Values a YAML document may expand to through its aliases ("billion laughs" guard).
MAX_YAML_VALUES = 1_000_000


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """How many values the node stands for once aliases are expanded (stops past limit).

    Iterative (a node nested as deep as the parser allows needs no recursion room), each
    node counted once: an alias is a node met again, whose size is known by then.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if children_done or not children:
            total = 1 + sum(sizes.get(id(child), 0) for child in children)
            sizes[id(node)] = min(total, limit + 1)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def parse(source: str, text: str, max_values: int = MAX_YAML_VALUES) -> Any:
    try:
        loader = _YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _expanded_size(node, max_values) > max_values:
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
        raise bounds.too_deep(source, None, "invalid YAML: nested too deeply") from None


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _child(node: Any, part: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == part), None)
    if isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
        return node.value[int(part)]
    return None


def positions(text: str, pointers: Iterable[str]) -> dict[str, tuple[int, int]]:
    """JSON pointer -> (line, column), both from 1, of the node it names in a YAML text."""
    root = yaml.compose(text, Loader=_SAFE_LOADER)
    found = {}
    for pointer in pointers:
        node = root
        for part in pointer.split("/")[1:] if pointer else []:
            node = _child(node, _unescape(part))
            if node is None:
                break
        if node is not None:
            found[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return found


def item_lines(text: str, key: str) -> dict[int, int]:
    """index -> line (from 1) of each item of the list under a top-level key; {} if the
    text does not compose."""
    try:
        root = yaml.compose(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError:
        return {}
    items = next(
        (
            value
            for name, value in getattr(root, "value", [])
            if getattr(name, "value", None) == key
        ),
        None,
    )
    return {i: node.start_mark.line + 1 for i, node in enumerate(getattr(items, "value", []))}
