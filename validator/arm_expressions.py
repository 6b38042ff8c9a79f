"""ARM template expressions: a small, pure evaluator.

Evaluates the template language ("[concat(parameters('a'), '-x')]") as far as the
template, a parameters file and the optional deployment scope allow. Whatever depends
on deployment-time facts (reference(), uniqueString(), an unknown subscription, a
parameter without a value) evaluates to an `Unresolved` value that says why; functions
given an `Unresolved` argument return it, so nothing is ever guessed.

Grammar (Microsoft, "Syntax and expressions in ARM templates"): an expression is a
function call, string literal ('it''s'), integer, or a member (.name) or index ([i])
access on one; function names are case-insensitive; "[[" starts a literal string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from validator.errors import AsrGuardError


class ExpressionError(AsrGuardError):
    """The expression is not well-formed."""


@dataclass(frozen=True)
class Unresolved:
    """A value known only at deployment time; `reason` says which part is unknown."""

    reason: str


def is_expression(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.startswith("[")
        and value.endswith("]")
        and not value.startswith("[[")
    )


# --- parsing ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+)|(?P<name>[A-Za-z_][\w.]*)"
    r"|(?P<punct>[(),\[\].]))"
)


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Member:
    target: Any
    name: str


@dataclass(frozen=True)
class Index:
    target: Any
    index: Any


@dataclass(frozen=True)
class Literal:
    value: Any


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            if text[position:].strip() == "":
                break
            match = _TOKEN.match(text, position)
            if match is None:
                raise ExpressionError(f"unexpected {text[position : position + 10]!r} in [{text}]")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ExpressionError(f"expected {value or 'more'} in [{self.text}]")
        self.at += 1
        return token

    def expression(self) -> Any:
        kind, value = self.take()
        node: Any
        if kind == "string":
            node = Literal(value[1:-1].replace("''", "'"))
        elif kind == "number":
            node = Literal(int(value))
        elif kind == "name":
            self.take("(")
            args = []
            if self.peek() != ("punct", ")"):
                args.append(self.expression())
                while self.peek() == ("punct", ","):
                    self.take(",")
                    args.append(self.expression())
            self.take(")")
            node = Call(value.lower(), tuple(args))
        else:
            raise ExpressionError(f"unexpected {value!r} in [{self.text}]")
        while self.peek() in (("punct", "."), ("punct", "[")):
            if self.take()[1] == ".":
                # A name token may hold dots ("a.b" after "."): one member each.
                for part in self.take()[1].split("."):
                    node = Member(node, part)
            else:
                node = Index(node, self.expression())
                self.take("]")
        return node


def parse(text: str) -> Any:
    """Parse the inside of "[...]"."""
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()[1]!r} in [{text}]")  # type: ignore[index]
    return node


# --- evaluation ----------------------------------------------------------------------

Function = Callable[..., Any]


def _first_unresolved(values: Sequence[Any]) -> Unresolved | None:
    return next((v for v in values if isinstance(v, Unresolved)), None)


def _format(template: Any, *args: Any) -> Any:
    def field(match: re.Match[str]) -> str:
        value = args[int(match.group(1))]
        return _string(value)

    return re.sub(r"\{(\d+)(?::[^}]*)?\}", field, template)


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if isinstance(value, Unresolved):
        return f"<unresolved: {value.reason}>"
    return json.dumps(value, separators=(",", ":"), default=_string)


def _concat(*args: Any) -> Any:
    if args and all(isinstance(a, list) for a in args):
        return [item for a in args for item in a]
    return "".join(_string(a) for a in args)


def _resource_id_parts(args: Sequence[Any]) -> tuple[list[str], str, list[str]]:
    """Split resourceId-style args into (leading scope args, type, names)."""
    strings = [str(a) for a in args]
    type_at = next(i for i, a in enumerate(strings) if "/" in a and not a.startswith("/"))
    return strings[:type_at], strings[type_at], strings[type_at + 1 :]


def provider_path(resource_type: str, names: Sequence[str]) -> str:
    """providers/NS/t1/n1/t2/n2 from "NS/t1/t2" and ["n1", "n2"]."""
    namespace, *types = resource_type.strip("/").split("/")
    if len(types) != len(names):
        raise ExpressionError(f"{resource_type} needs {len(types)} name(s), got {len(names)}")
    pairs = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
    return f"providers/{namespace}/{pairs}"


SUBSCRIPTION_PLACEHOLDER = "{subscriptionId}"
RESOURCE_GROUP_PLACEHOLDER = "{resourceGroupName}"


@dataclass(frozen=True)
class VariableCopy:
    """A variable made by a "copy" loop in the variables section."""

    loop: Mapping[str, Any]


class Scope:
    """Where the template deploys: its subscription and resource group.

    When they are not given (--scope), ids are built with the placeholders
    {subscriptionId} and {resourceGroupName}: resources of one deployment still link to
    each other, and such an id never equals a real one from an inventory.
    """

    def __init__(self, resource_group_id: str | None = None) -> None:
        self.subscription_id: Any = SUBSCRIPTION_PLACEHOLDER
        self.resource_group: Any = RESOURCE_GROUP_PLACEHOLDER
        if resource_group_id:
            parts = resource_group_id.strip("/").split("/")
            if (
                len(parts) != 4
                or parts[0].lower() != "subscriptions"
                or parts[2].lower() != "resourcegroups"
            ):
                raise ExpressionError(
                    "--scope must be /subscriptions/<id>/resourceGroups/<name>, "
                    f"not {resource_group_id!r}"
                )
            self.subscription_id, self.resource_group = parts[1], parts[3]

    def subscription(self) -> Any:
        if isinstance(self.subscription_id, Unresolved):
            return self.subscription_id
        return {
            "id": f"/subscriptions/{self.subscription_id}",
            "subscriptionId": self.subscription_id,
        }

    def resource_group_object(self) -> Any:
        return {
            "id": f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}",
            "name": self.resource_group,
            "location": Unresolved("resourceGroup().location"),
        }

    def resource_id(self, *args: Any) -> Any:
        leading, resource_type, names = _resource_id_parts(args)
        subscription = leading[0] if len(leading) == 2 else self.subscription_id
        group = leading[-1] if leading else self.resource_group
        unknown = _first_unresolved([subscription, group])
        if unknown:
            return unknown
        return f"/subscriptions/{subscription}/resourceGroups/{group}/" + provider_path(
            resource_type, names
        )

    def subscription_resource_id(self, *args: Any) -> Any:
        leading, resource_type, names = _resource_id_parts(args)
        subscription = leading[0] if leading else self.subscription_id
        if isinstance(subscription, Unresolved):
            return subscription
        return f"/subscriptions/{subscription}/" + provider_path(resource_type, names)


def _extension_resource_id(base: Any, resource_type: Any, *names: Any) -> Any:
    return f"{str(base).rstrip('/')}/" + provider_path(str(resource_type), [str(n) for n in names])


def _length(value: Any) -> Any:
    return len(value)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return str(item).lower() in container.lower()
    return item in container


def _union(*args: Any) -> Any:
    if all(isinstance(a, dict) for a in args):
        merged: dict[str, Any] = {}
        for a in args:
            merged.update(a)
        return merged
    seen: list[Any] = []
    for a in args:
        seen.extend(x for x in a if x not in seen)
    return seen


def _coalesce(*args: Any) -> Any:
    return next((a for a in args if a is not None), None)


def _try_get(value: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(value, dict) and isinstance(key, str):
            match = next((k for k in value if k.lower() == key.lower()), None)
            value = value[match] if match is not None else None
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


_PURE: dict[str, Function] = {
    "concat": _concat,
    "format": _format,
    "string": _string,
    "tolower": lambda s: str(s).lower(),
    "toupper": lambda s: str(s).upper(),
    "split": lambda s, sep: (
        str(s).split(sep)
        if isinstance(sep, str)
        else re.split("|".join(map(re.escape, sep)), str(s))
    ),
    "replace": lambda s, old, new: str(s).replace(old, new),
    "trim": lambda s: str(s).strip(),
    "substring": lambda s, start, length=None: str(s)[
        start : None if length is None else start + length
    ],
    "startswith": lambda s, p: str(s).lower().startswith(str(p).lower()),
    "endswith": lambda s, p: str(s).lower().endswith(str(p).lower()),
    "int": int,
    "bool": lambda v: v if isinstance(v, bool) else str(v).lower() == "true",
    "true": lambda: True,
    "false": lambda: False,
    "null": lambda: None,
    "equals": lambda a, b: a == b,
    "not": lambda a: not a,
    "and": lambda *a: all(a),
    "or": lambda *a: any(a),
    "empty": _empty,
    "length": _length,
    "first": lambda v: v[0],
    "last": lambda v: v[-1],
    "take": lambda v, n: v[:n],
    "skip": lambda v, n: v[n:],
    "createarray": lambda *a: list(a),
    "createobject": lambda *a: {a[i]: a[i + 1] for i in range(0, len(a), 2)},
    "contains": _contains,
    "union": _union,
    "coalesce": _coalesce,
    "extensionresourceid": _extension_resource_id,
    "tryget": _try_get,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "min": lambda *a: min(a[0] if len(a) == 1 else a),
    "max": lambda *a: max(a[0] if len(a) == 1 else a),
    "range": lambda start, count: list(range(start, start + count)),
    "array": lambda v: v if isinstance(v, list) else [v],
    "json": json.loads,
    "indexof": lambda s, x: str(s).lower().find(str(x).lower()),
    "padleft": lambda v, n, c=" ": str(v).rjust(n, c),
    "objectkeys": lambda o: list(o),
    "items": lambda o: [{"key": k, "value": v} for k, v in o.items()],
}

# Known only when the template is deployed: evaluate to Unresolved, never to a guess.
DEPLOYMENT_TIME = frozenset(
    {
        "reference",
        "list",
        "listkeys",
        "listsecrets",
        "listaccountsas",
        "uniquestring",
        "newguid",
        "utcnow",
        "guid",
        "deployment",
        "environment",
        "tenant",
        "managementgroup",
        "managementgroupresourceid",
        "tenantresourceid",
        "pickzones",
    }
)


class Evaluator:
    """Evaluates expressions of one template (or nested template) in its context."""

    def __init__(
        self,
        parameters: Mapping[str, Any],
        variables: Mapping[str, Any],
        scope: Scope,
        copy_index: Mapping[str, int] | None = None,
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        """parameters: given values; defaults: raw defaultValue of the others (read lazily)."""
        self.parameters = {k.lower(): v for k, v in parameters.items()}
        self._defaults = {k.lower(): v for k, v in (defaults or {}).items()}
        self._raw_variables = {k.lower(): v for k, v in variables.items()}
        self._variables: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self.scope = scope
        self.copy_index = dict(copy_index or {})

    def with_copy_index(self, loop: str, index: int) -> Evaluator:
        inherited = {k: v for k, v in self.copy_index.items() if k != loop}
        child = Evaluator({}, {}, self.scope, {**inherited, loop: index})
        child.parameters = self.parameters
        child._defaults = self._defaults
        child._raw_variables = self._raw_variables
        child._variables = self._variables
        child._evaluating = self._evaluating
        return child

    def parameter(self, name: str) -> Any:
        return self._lazy("parameters", name, self._defaults, self.parameters)

    def variable(self, name: str) -> Any:
        return self._lazy("variables", name, self._raw_variables, self._variables)

    def _lazy(self, kind: str, name: str, raw: Mapping[str, Any], cache: dict[str, Any]) -> Any:
        """A parameter default or variable, evaluated when first read, then kept."""
        key = name.lower()
        if key in cache:
            return cache[key]
        if key not in raw:
            raise ExpressionError(f"{kind}('{name}') is not defined")
        marker = f"{kind}:{key}"
        if marker in self._evaluating:
            raise ExpressionError(f"{kind}('{name}') refers to itself")
        self._evaluating.add(marker)
        try:
            entry = raw[key]
            if isinstance(entry, VariableCopy):
                value = self.property_copies([entry.loop])[entry.loop["name"]]
            else:
                value = self.value(entry)
        finally:
            self._evaluating.discard(marker)
        cache[key] = value
        return value

    # Values: resolve every expression string inside a JSON value.
    def value(self, value: Any) -> Any:
        """A JSON value with every expression in it evaluated (property copy loops expanded).

        An expression this evaluator cannot evaluate becomes Unresolved, with the reason.
        """
        if isinstance(value, str):
            if is_expression(value):
                try:
                    return self.expression(value[1:-1])
                except ExpressionError as exc:
                    return Unresolved(f"cannot evaluate {value[:80]}: {exc}")
            return value[1:] if value.startswith("[[") else value
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            resolved = {k: self.value(v) for k, v in value.items() if k != "copy"}
            if isinstance(value.get("copy"), list):
                resolved.update(self.property_copies(value["copy"]))
            elif "copy" in value:
                resolved["copy"] = self.value(value["copy"])
            return resolved
        return value

    def property_copies(self, loops: list[Any]) -> dict[str, Any]:
        """ "copy": [{"name", "count", "input"}] in properties: one array per loop."""
        arrays: dict[str, Any] = {}
        for loop in loops:
            if not isinstance(loop, dict) or not isinstance(loop.get("name"), str):
                continue
            count = self.value(loop.get("count"))
            if not isinstance(count, int) or isinstance(count, bool):
                arrays[loop["name"]] = Unresolved(f"copy loop {loop['name']!r}: count {count!r}")
                continue
            arrays[loop["name"]] = [
                self.with_copy_index(loop["name"], i).value(loop.get("input")) for i in range(count)
            ]
        return arrays

    def expression(self, text: str) -> Any:
        return self._eval(parse(text))

    def _eval(self, node: Any) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Member):
            target = self._eval(node.target)
            if isinstance(target, Unresolved):
                return target
            if not isinstance(target, dict):
                raise ExpressionError(f"cannot read .{node.name} of {_string(target)[:40]}")
            match = next((k for k in target if k.lower() == node.name.lower()), None)
            if match is None:
                raise ExpressionError(f"no property {node.name!r}")
            return target[match]
        if isinstance(node, Index):
            target, index = self._eval(node.target), self._eval(node.index)
            unknown = _first_unresolved([target, index])
            if unknown:
                return unknown
            try:
                return target[index]
            except (IndexError, KeyError, TypeError):
                raise ExpressionError(
                    f"cannot index {_string(target)[:40]} with {index!r}"
                ) from None
        return self._call(node)

    def _call(self, node: Call) -> Any:
        name = node.name
        if name in DEPLOYMENT_TIME or name.startswith("list"):
            return Unresolved(f"{name}() is known only at deployment")
        if "." in name:
            return Unresolved(f"user-defined function {name}()")
        if name == "if":
            condition = self._eval(node.args[0])
            if isinstance(condition, Unresolved):
                return condition
            return self._eval(node.args[1] if condition else node.args[2])
        args = [self._eval(a) for a in node.args]
        unknown = _first_unresolved(args)
        if unknown:
            return unknown
        try:
            return self._apply(name, args)
        except ExpressionError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, StopIteration) as exc:
            raise ExpressionError(f"{name}(): {exc or type(exc).__name__}") from None

    def _apply(self, name: str, args: list[Any]) -> Any:
        if name == "parameters":
            return self.parameter(str(args[0]))
        if name == "variables":
            return self.variable(str(args[0]))
        if name == "copyindex":
            loop = args[0] if args and isinstance(args[0], str) else None
            offset = args[-1] if args and isinstance(args[-1], int) else 0
            if loop is None:
                # copyIndex() names the innermost loop: the one entered last.
                if not self.copy_index:
                    raise ExpressionError("copyIndex() outside a copy loop")
                return list(self.copy_index.values())[-1] + offset
            if loop not in self.copy_index:
                raise ExpressionError(f"copyIndex('{loop}') outside that copy loop")
            return self.copy_index[loop] + offset
        if name == "resourceid":
            return self.scope.resource_id(*args)
        if name == "subscriptionresourceid":
            return self.scope.subscription_resource_id(*args)
        if name == "resourcegroup":
            return self.scope.resource_group_object()
        if name == "subscription":
            return self.scope.subscription()
        if name not in _PURE:
            return Unresolved(f"{name}() is not evaluated by asr-guard")
        return _PURE[name](*args)
