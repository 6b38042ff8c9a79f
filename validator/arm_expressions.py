"""ARM template expressions: a pure evaluator with Azure Resource Manager's semantics, bounded.

Evaluates the template language ("[concat(parameters('a'), '-x')]") as far as the
template, a parameters file and the optional deployment scope allow. Whatever depends
on deployment-time facts (reference(), uniqueString(), an unknown subscription, a
parameter without a value) or on a function asr-guard does not evaluate becomes an
`Unresolved` value that says why; functions given an `Unresolved` argument return it, so
nothing is ever guessed.

Grammar (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions):
an expression is a function call, a string literal ('it''s'), an integer, or a member
(.name) or index ([i]) access on one; function names are case-insensitive; a string that
starts with "[[" is a literal that starts with "[". The tokenizer reads the text once, from
left to right (no copy of the rest of the text per token).

Each function follows Microsoft's function reference
(https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions,
one page per group: -array, -comparison, -date, -deployment, -lambda, -logical, -numeric,
-object, -resource, -scope, -string, -cidr), including what differs from Python: string
`contains`, `indexOf` on arrays and `replace` are case-sensitive, `equals` compares strings
ignoring case (the reference's example: equals('demo', 'Demo') is true) but never equates
1 and true, `startsWith`/`endsWith`/`indexOf` on strings ignore case, `div`/`mod` truncate
toward zero, `take`/`skip` with n <= 0 take nothing / skip nothing, `bool` of a number is
true when it is not 0, `union` merges nested objects, `items` sorts by key, integers are
64-bit. `tests/test_arm_oracle.py` holds the evaluator to every documented example output.

Bounds: Azure refuses templates past its documented limits, and so does asr-guard, with a
`LimitError` (exit 2) naming the limit and the place:
- an expression of more than 24,576 characters ("Template limits",
  https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits);
- a copy count over 800 or below 0 ("Resource iteration in ARM templates",
  https://learn.microsoft.com/azure/azure-resource-manager/templates/copy-resources, and the
  same for properties and variables);
- `range()` of more than 10,000 integers, or whose end is past 2,147,483,647
  (template-functions-array#range);
- a string or array larger than the 4 MB a template may have after expansion (Template
  limits): `padLeft`, `concat`, `format`, `replace`, `string`, `range`, `union` ... all check
  what they build;
and asr-guard's own bounds, so that no input can make it hang or eat memory: an expression
nested more than 128 calls deep, and a total of 256 MiB of values built for one template
(values shared by reference count each time they are serialised or compared).
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import json
import math
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from validator.errors import AsrGuardError
from validator.jsonc import loads_lenient

MAX_EXPRESSION_LENGTH = 24_576
MAX_EXPRESSION_DEPTH = 128
MAX_COPY_COUNT = 800
MAX_RANGE_COUNT = 10_000
MAX_RANGE_END = 2_147_483_647
MAX_VALUE_SIZE = 4 * 1024 * 1024  # characters of a string, items of an array
MAX_TOTAL_SIZE = 256 * 1024 * 1024  # all values built (or walked) for one template
MAX_STEPS = 1_000_000  # function calls, lambda calls and copy iterations for one template
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

TEMPLATE_LIMITS = (
    "https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices"
    "#template-limits"
)
RESOURCE_ITERATION = (
    "https://learn.microsoft.com/azure/azure-resource-manager/templates/copy-resources"
)


class ExpressionError(AsrGuardError):
    """The expression is not well-formed, or a function cannot take its arguments."""


class LimitError(AsrGuardError):
    """Past a bound: the template is refused. `pointer` says where (a JSON pointer)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []  # keys from the innermost value outwards
        self.prefix: str | None = None  # set once the place is known from the document root

    def inside(self, key: str | int) -> None:
        """The error happened inside `key` of the value being resolved."""
        if self.prefix is None:
            self.path.append(str(key).replace("~", "~0").replace("/", "~1"))

    def anchor(self, prefix: str) -> None:
        """The value being resolved is at `prefix` (a JSON pointer from the document root)."""
        if self.prefix is None:
            self.prefix = prefix

    @property
    def pointer(self) -> str:
        inner = "".join(f"/{part}" for part in reversed(self.path))
        return (self.prefix or "") + inner

    def __str__(self) -> str:
        return f"{self.message}, at {self.pointer or '/'}"


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


# --- parsing ---------------------------------------------------------------------------
# Nodes are tuples: ("lit", value), ("call", name, args), ("member", target, name),
# ("index", target, index).

# One pass over the text: every token, and any other character that is not space (which
# the parser then refuses).
_TOKENS = re.compile(r"'(?:[^']|'')*'|-?\d+|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*|[^\s]")
_LITERAL, _CALL, _MEMBER, _INDEX = "lit", "call", "member", "index"
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$")


class _Parser:
    """Recursive descent over the token list; nesting is bounded (MAX_EXPRESSION_DEPTH)."""

    def __init__(self, text: str) -> None:
        self.tokens = _TOKENS.findall(text)
        self.at = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str) -> None:
        token = self.peek()
        if token != value:
            found = "the end" if token is None else repr(token)
            raise ExpressionError(f"expected {value}, found {found}")
        self.at += 1

    def expression(self) -> Any:
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            raise LimitError(f"expression nested more than {MAX_EXPRESSION_DEPTH} levels deep")
        tokens = self.tokens
        if self.at >= len(tokens):
            raise ExpressionError("expected more, found the end")
        token = tokens[self.at]
        self.at += 1
        first = token[0]
        node: Any
        if first == "'":
            if len(token) < 2 or token[-1] != "'":
                raise ExpressionError("unterminated string")
            node = (_LITERAL, token[1:-1].replace("''", "'"))
        elif first.isdigit() or (first == "-" and len(token) > 1):
            node = (_LITERAL, _int_literal(token))
        elif first in _NAME_START:
            self.take("(")
            args = []
            if self.peek() != ")":
                args.append(self.expression())
                while self.peek() == ",":
                    self.at += 1
                    args.append(self.expression())
            self.take(")")
            node = (_CALL, token.lower(), tuple(args))
        else:
            raise ExpressionError(f"unexpected {token!r}")
        while self.at < len(tokens) and tokens[self.at] in (".", "["):
            if tokens[self.at] == ".":
                self.at += 1
                name = self.peek()
                if name is None or name[0] not in _NAME_START:
                    raise ExpressionError(f"expected a property name after '.', found {name!r}")
                self.at += 1
                # A name token may hold dots ("a.b" after "."): one member each.
                for part in name.split("."):
                    node = (_MEMBER, node, part)
            else:
                self.at += 1
                node = (_INDEX, node, self.expression())
                self.take("]")
        self.depth -= 1
        return node


def _int_literal(text: str) -> int:
    if len(text.lstrip("-")) > 19:
        raise ExpressionError(f"integer {text[:24]}... is out of the 64-bit range")
    return _int64(int(text))


def _int64(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise ExpressionError("integer result is out of the 64-bit range")
    return value


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Any:
    parser = _Parser(text)
    node = parser.expression()
    token = parser.peek()
    if token is not None:
        raise ExpressionError(f"unexpected {token!r}")
    return node


def parse(text: str) -> Any:
    """Parse the inside of "[...]"."""
    if len(text) + 2 > MAX_EXPRESSION_LENGTH:
        raise LimitError(
            f"expression of {len(text) + 2} characters, over ARM's limit of "
            f"{MAX_EXPRESSION_LENGTH} ({TEMPLATE_LIMITS})"
        )
    return _parse_cached(text)


# --- values ------------------------------------------------------------------------------


class Budget:
    """What one template's resolution builds and does, counted: past the total, it is refused."""

    __slots__ = ("spent", "steps")

    def __init__(self) -> None:
        self.spent = 0
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitError(
                f"resolving the template takes more than {MAX_STEPS} function calls and copy "
                "iterations (asr-guard's bound)"
            )

    def spend(self, amount: int) -> None:
        self.spent += amount
        if self.spent > MAX_TOTAL_SIZE:
            raise LimitError(
                f"resolving the template builds more than {MAX_TOTAL_SIZE // (1024 * 1024)} MiB "
                "of values (asr-guard's bound)"
            )

    def built(self, value: Any) -> Any:
        """A value a function returns: within ARM's 4 MB, and counted."""
        if isinstance(value, str):
            size = len(value)
            if size > MAX_VALUE_SIZE:
                raise LimitError(
                    f"a string of {size} characters, over the {MAX_VALUE_SIZE // (1024 * 1024)} MB "
                    f"a template may have after expansion ({TEMPLATE_LIMITS})"
                )
            self.spend(size)
        elif isinstance(value, (list, dict)):
            size = len(value)
            if size > MAX_VALUE_SIZE // 2:
                raise LimitError(
                    f"an array or object of {size} items, over the "
                    f"{MAX_VALUE_SIZE // (1024 * 1024)} MB a template may have after expansion "
                    f"({TEMPLATE_LIMITS})"
                )
            self.spend(8 * size)
        return value

    def walk(self, value: Any, limit: int = MAX_VALUE_SIZE) -> Iterator[Any]:
        """Every value inside `value` (itself included), depth first, counted: a value
        shared by reference many times over is as large as it would be written out."""
        stack = [value]
        seen = 0
        while stack:
            item = stack.pop()
            seen += 1
            if seen > limit:
                raise LimitError(
                    f"a value of more than {limit} items, over the "
                    f"{MAX_VALUE_SIZE // (1024 * 1024)} MB a template may have after expansion "
                    f"({TEMPLATE_LIMITS})"
                )
            yield item
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        self.spend(8 * seen)


def _first_unresolved(values: Sequence[Any]) -> Unresolved | None:
    for value in values:
        if isinstance(value, Unresolved):
            return value
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, Lambda):
        return "lambda"
    return type(value).__name__


def _string(value: Any) -> str:
    """A scalar as ARM writes it into a string (.NET's ToString of a JSON value)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if _is_int(value):
        return str(value)
    raise ExpressionError(f"a {_type_name(value)} is not a string")


def _json_text(value: Any) -> str:
    """Compact JSON, as ARM's string() writes an array or object."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _key(value: Mapping[str, Any], name: str) -> str | None:
    """The key of `value` that is `name` ignoring case (ARM property names ignore case)."""
    if name in value:
        return name
    lowered = name.lower()
    return next((k for k in value if k.lower() == lowered), None)


def _equal(a: Any, b: Any, ignore_case: bool) -> bool:
    """ARM's equality of JSON values: 1 is not true; numbers by value; strings ignoring case
    for equals(), exactly for contains() and indexOf()."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower() if ignore_case else a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            _equal(x, y, ignore_case) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        if len(a) != len(b):
            return False
        for key, item in a.items():
            other = _key(b, key)
            if other is None or not _equal(item, b[other], ignore_case):
                return False
        return True
    return a is None and b is None


# --- lambdas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lambda:
    """lambda('x', body): the body is evaluated for each call, with its variables bound."""

    names: tuple[str, ...]
    body: Any
    bound: Mapping[str, Any]  # lambda variables of enclosing lambdas

    def arity(self) -> int:
        return len(self.names)


# --- scope -------------------------------------------------------------------------------------

SUBSCRIPTION_PLACEHOLDER = "{subscriptionId}"
RESOURCE_GROUP_PLACEHOLDER = "{resourceGroupName}"
MANAGEMENT_GROUP_PLACEHOLDER = "{managementGroupName}"
_PLACEHOLDERS = (SUBSCRIPTION_PLACEHOLDER, RESOURCE_GROUP_PLACEHOLDER, MANAGEMENT_GROUP_PLACEHOLDER)

RESOURCE_GROUP, SUBSCRIPTION, MANAGEMENT_GROUP, TENANT = (
    "resourceGroup",
    "subscription",
    "managementGroup",
    "tenant",
)


def _resource_id_parts(args: Sequence[Any]) -> tuple[list[str], str, list[str]]:
    """Split resourceId-style args into (leading scope args, type, names)."""
    strings = [_string(a) for a in args]
    type_at = next((i for i, a in enumerate(strings) if "/" in a and not a.startswith("/")), None)
    if type_at is None:
        raise ExpressionError("no resource type (namespace/type) among the arguments")
    return strings[:type_at], strings[type_at], strings[type_at + 1 :]


def provider_path(resource_type: str, names: Sequence[str]) -> str:
    """providers/NS/t1/n1/t2/n2 from "NS/t1/t2" and ["n1", "n2"]."""
    namespace, *types = resource_type.strip("/").split("/")
    if len(types) != len(names):
        raise ExpressionError(f"{resource_type} needs {len(types)} name(s), got {len(names)}")
    for name in names:
        if any(p in name for p in _PLACEHOLDERS):
            raise ExpressionError(
                f"the name {name!r} depends on the deployment scope, which is not given (--scope)"
            )
    pairs = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
    return f"providers/{namespace}/{pairs}"


class Scope:
    """Where a template deploys: tenant, management group, subscription or resource group.

    Parts not given (--scope) are the placeholders {subscriptionId} and
    {resourceGroupName} in ids: resources of one deployment still link to each other, and
    such an id never equals a real one from an inventory. A part that a nested deployment
    sets with an expression that cannot be resolved is Unresolved.
    """

    __slots__ = ("level", "management_group", "resource_group", "subscription_id")

    def __init__(self, resource_group_id: str | None = None, level: str = RESOURCE_GROUP) -> None:
        self.level = level
        self.subscription_id: Any = SUBSCRIPTION_PLACEHOLDER
        self.resource_group: Any = RESOURCE_GROUP_PLACEHOLDER
        self.management_group: Any = MANAGEMENT_GROUP_PLACEHOLDER
        if resource_group_id:
            parts = resource_group_id.strip("/").split("/")
            if (
                len(parts) != 4
                or parts[0].lower() != "subscriptions"
                or parts[2].lower() != "resourcegroups"
                or not parts[1]
                or not parts[3]
            ):
                raise ExpressionError(
                    "--scope must be /subscriptions/<id>/resourceGroups/<name>, "
                    f"not {resource_group_id!r}"
                )
            self.subscription_id, self.resource_group = parts[1], parts[3]

    def copy(self, level: str | None = None) -> Scope:
        scope = Scope(level=level or self.level)
        scope.subscription_id = self.subscription_id
        scope.resource_group = self.resource_group
        scope.management_group = self.management_group
        return scope

    def _unknown(self, *parts: Any) -> Unresolved | None:
        return _first_unresolved(parts)

    # Functions (template-functions-scope)
    def subscription(self) -> Any:
        if self.level in (MANAGEMENT_GROUP, TENANT):
            raise ExpressionError(f"subscription() is not available at {self.level} scope")
        unknown = self._unknown(self.subscription_id)
        if unknown:
            return unknown
        return {
            "id": f"/subscriptions/{self.subscription_id}",
            "subscriptionId": self.subscription_id,
            "tenantId": Unresolved("subscription().tenantId is known only at deployment"),
            "displayName": Unresolved("subscription().displayName is known only at deployment"),
        }

    def resource_group_object(self) -> Any:
        if self.level != RESOURCE_GROUP:
            raise ExpressionError(f"resourceGroup() is not available at {self.level} scope")
        unknown = self._unknown(self.subscription_id, self.resource_group)
        if unknown:
            return unknown
        name: Any = self.resource_group
        if name == RESOURCE_GROUP_PLACEHOLDER:
            name = Unresolved("resourceGroup().name: the resource group is not given (--scope)")
        return {
            "id": f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}",
            "name": name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": Unresolved("resourceGroup().location is known only at deployment"),
            "properties": {"provisioningState": "Succeeded"},
        }

    def resource_id(self, *args: Any) -> Any:
        """resourceId(): in the format of this scope (template-functions-resource#resourceid)."""
        leading, resource_type, names = _resource_id_parts(args)
        if len(leading) > 2:
            raise ExpressionError("resourceId() takes at most a subscription and a resource group")
        path = provider_path(resource_type, names)
        if not leading and self.level in (MANAGEMENT_GROUP, TENANT):
            return f"/{path}"
        subscription = leading[0] if len(leading) == 2 else self.subscription_id
        if not leading and self.level == SUBSCRIPTION:
            unknown = self._unknown(subscription)
            return unknown or f"/subscriptions/{subscription}/{path}"
        group = leading[-1] if leading else self.resource_group
        unknown = self._unknown(subscription, group)
        return unknown or f"/subscriptions/{subscription}/resourceGroups/{group}/{path}"

    def subscription_resource_id(self, *args: Any) -> Any:
        leading, resource_type, names = _resource_id_parts(args)
        if len(leading) > 1:
            raise ExpressionError("subscriptionResourceId() takes at most a subscription")
        subscription = leading[0] if leading else self.subscription_id
        unknown = self._unknown(subscription)
        return unknown or f"/subscriptions/{subscription}/" + provider_path(resource_type, names)

    def prefix(self) -> Any:
        """The id of the scope itself ("" for the tenant), or Unresolved."""
        if self.level == RESOURCE_GROUP:
            unknown = self._unknown(self.subscription_id, self.resource_group)
            return unknown or (
                f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            )
        if self.level == SUBSCRIPTION:
            return self._unknown(self.subscription_id) or f"/subscriptions/{self.subscription_id}"
        if self.level == MANAGEMENT_GROUP:
            unknown = self._unknown(self.management_group)
            return unknown or (
                f"/providers/Microsoft.Management/managementGroups/{self.management_group}"
            )
        return ""

    def deployed_id(self, resource_type: str, names: Sequence[str]) -> Any:
        """The id of a resource this scope deploys."""
        prefix = self.prefix()
        if isinstance(prefix, Unresolved):
            return prefix
        if (
            self.level == SUBSCRIPTION
            and resource_type.lower() == "microsoft.resources/resourcegroups"
            and len(names) == 1
        ):
            provider_path("Microsoft.Resources/resourceGroups", names)  # checks the name
            return f"{prefix}/resourceGroups/{names[0]}"
        return f"{prefix}/" + provider_path(resource_type, names)

    def nested(
        self, subscription_id: Any = None, resource_group: Any = None, target: Any = None
    ) -> Scope:
        """The scope of a nested deployment with these top-level properties
        (https://learn.microsoft.com/azure/azure-resource-manager/templates/deploy-to-resource-group#cross-resource-groups,
        deploy-to-subscription, deploy-to-management-group, deploy-to-tenant)."""
        if target is not None:
            return self._target(target)
        if resource_group is not None:
            scope = self.copy(RESOURCE_GROUP)
            if subscription_id is not None:
                scope.subscription_id = subscription_id
            scope.resource_group = resource_group
            return scope
        if subscription_id is not None:
            scope = self.copy(SUBSCRIPTION)
            scope.subscription_id = subscription_id
            return scope
        return self.copy()

    def _target(self, target: Any) -> Scope:
        """A deployment's "scope" property (Bicep modules at management group or tenant)."""
        if isinstance(target, Unresolved):
            scope = self.copy(MANAGEMENT_GROUP)
            scope.management_group = target
            return scope
        text = str(target).strip()
        if text in ("", "/"):
            return self.copy(TENANT)
        match = re.fullmatch(
            r"/?(?:providers/)?Microsoft\.Management/managementGroups/([^/]+)", text, re.I
        )
        if match:
            scope = self.copy(MANAGEMENT_GROUP)
            scope.management_group = match.group(1)
            return scope
        match = re.fullmatch(r"/subscriptions/([^/]+)(?:/resourceGroups/([^/]+))?", text, re.I)
        if match:
            scope = self.copy(RESOURCE_GROUP if match.group(2) else SUBSCRIPTION)
            scope.subscription_id = match.group(1)
            if match.group(2):
                scope.resource_group = match.group(2)
            return scope
        scope = self.copy(MANAGEMENT_GROUP)
        scope.management_group = Unresolved(f"deployment scope {text[:80]!r} is not read")
        return scope


def _extension_resource_id(base: Any, resource_type: Any, *names: Any) -> Any:
    return f"{_string(base).rstrip('/')}/" + provider_path(
        _string(resource_type), [_string(n) for n in names]
    )


def _tenant_resource_id(resource_type: Any, *names: Any) -> Any:
    return "/" + provider_path(_string(resource_type), [_string(n) for n in names])


def _management_group_resource_id(*args: Any) -> Any:
    strings = [_string(a) for a in args]
    if strings and "/" not in strings[0]:
        group, resource_type, names = strings[0], strings[1], strings[2:]
        return f"/providers/Microsoft.Management/managementGroups/{group}/" + provider_path(
            resource_type, names
        )
    return Unresolved("managementGroupResourceId() without a management group name")


@dataclass(frozen=True)
class VariableCopy:
    """A variable made by a "copy" loop in the variables section."""

    loop: Mapping[str, Any]


@dataclass(frozen=True)
class UserFunction:
    """A user-defined function of the template's "functions" section (Bicep `func`)."""

    parameters: tuple[str, ...]
    output: Any


def user_functions(template: Mapping[str, Any]) -> dict[str, UserFunction]:
    """namespace.name (lower case) -> function, from a template's "functions" section."""
    found: dict[str, UserFunction] = {}
    sections = template.get("functions")
    if not isinstance(sections, list):
        return found
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("namespace"), str):
            continue
        members = section.get("members")
        if not isinstance(members, dict):
            continue
        for name, member in members.items():
            if not isinstance(member, dict) or not isinstance(member.get("output"), dict):
                continue
            parameters = tuple(
                str(p.get("name")) for p in member.get("parameters") or [] if isinstance(p, dict)
            )
            key = f"{section['namespace']}.{name}".lower()
            found[key] = UserFunction(parameters, member["output"].get("value"))
    return found


# --- functions ---------------------------------------------------------------------------------
# Each takes evaluated arguments; a TypeError, ValueError, IndexError, KeyError or
# ZeroDivisionError they raise means ARM would refuse the arguments too, and the expression
# is left unresolved with that reason.


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise ExpressionError(message)


def _ints(*values: Any) -> None:
    for value in values:
        _need(_is_int(value), f"expected an integer, got a {_type_name(value)}")


def _strings(*values: Any) -> None:
    for value in values:
        _need(isinstance(value, str), f"expected a string, got a {_type_name(value)}")


# Arrays and objects (template-functions-array, template-functions-object)


def _array(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


def _concat(*args: Any) -> Any:
    _need(bool(args), "concat() needs arguments")
    if isinstance(args[0], list):
        _need(all(isinstance(a, list) for a in args), "concat() of arrays and other values")
        return [item for a in args for item in a]
    return "".join(_string(a) for a in args)


def _contains(container: Any, item: Any) -> bool:
    """Case-sensitive for strings and array items; object keys ignore case."""
    if isinstance(container, str):
        return _string(item) in container
    if isinstance(container, list):
        return any(_equal(element, item, ignore_case=False) for element in container)
    if isinstance(container, dict):
        return _key(container, _string(item)) is not None
    raise ExpressionError(f"contains() of a {_type_name(container)}")


def _create_object(*args: Any) -> Any:
    _need(len(args) % 2 == 0, "createObject() needs key and value pairs")
    result: dict[str, Any] = {}
    for i in range(0, len(args), 2):
        _strings(args[i])
        result[args[i]] = args[i + 1]
    return result


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, list, dict)):
        return len(value) == 0
    raise ExpressionError(f"empty() of a {_type_name(value)}")


def _first(value: Any) -> Any:
    _need(isinstance(value, (str, list)), f"first() of a {_type_name(value)}")
    _need(len(value) > 0, "first() of an empty value")
    return value[0]


def _last(value: Any) -> Any:
    _need(isinstance(value, (str, list)), f"last() of a {_type_name(value)}")
    _need(len(value) > 0, "last() of an empty value")
    return value[-1]


def _flatten(value: Any) -> Any:
    _need(isinstance(value, list), "flatten() of a non-array")
    _need(all(isinstance(v, list) for v in value), "flatten() of an array of non-arrays")
    return [item for inner in value for item in inner]


def _index_of(container: Any, item: Any, last: bool = False) -> int:
    """Strings ignore case; array items are compared exactly (case-sensitive)."""
    if isinstance(container, str):
        needle = _string(item).lower()
        haystack = container.lower()
        if last:
            _need(bool(needle), "lastIndexOf() of an empty string")
            return haystack.rfind(needle)
        return haystack.find(needle)
    _need(isinstance(container, list), f"indexOf() of a {_type_name(container)}")
    indexes = range(len(container) - 1, -1, -1) if last else range(len(container))
    return next((i for i in indexes if _equal(container[i], item, ignore_case=False)), -1)


def _intersection(*args: Any) -> Any:
    _need(len(args) >= 2, "intersection() needs two values or more")
    if all(isinstance(a, list) for a in args):
        result: list[Any] = []
        for item in args[0]:
            if any(_equal(item, r, ignore_case=False) for r in result):
                continue
            if all(any(_equal(item, o, ignore_case=False) for o in other) for other in args[1:]):
                result.append(item)
        return result
    _need(all(isinstance(a, dict) for a in args), "intersection() of arrays and objects")
    merged: dict[str, Any] = {}
    for key, item in args[0].items():
        keys = [_key(other, key) for other in args[1:]]
        if all(
            k is not None and _equal(item, other[k], ignore_case=False)
            for k, other in zip(keys, args[1:], strict=True)
        ):
            merged[key] = item
    return merged


def _items(value: Any) -> Any:
    """Sorted by key (template-functions-object#items: "alphabetical order")."""
    _need(isinstance(value, dict), "items() of a non-object")
    return [{"key": k, "value": value[k]} for k in sorted(value, key=lambda k: (k.lower(), k))]


def _join(values: Any, delimiter: Any) -> Any:
    _need(isinstance(values, list), "join() of a non-array")
    _strings(delimiter)
    return delimiter.join(_string(v) for v in values)


def _length(value: Any) -> int:
    _need(isinstance(value, (str, list, dict)), f"length() of a {_type_name(value)}")
    return len(value)


def _extreme(choose: Callable[..., Any], *args: Any) -> Any:
    values = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
    _need(bool(values), "min()/max() of nothing")
    for value in values:
        _need(_is_number(value), f"min()/max() of a {_type_name(value)}")
    return choose(values)


def _object_keys(value: Any) -> Any:
    _need(isinstance(value, dict), "objectKeys() of a non-object")
    return list(value)


def _range(start: Any, count: Any) -> Any:
    _ints(start, count)
    if not 0 <= count <= MAX_RANGE_COUNT or start + count > MAX_RANGE_END:
        raise LimitError(
            f"range({start}, {count}): ARM takes a count of 0 to {MAX_RANGE_COUNT} ending at "
            f"most at {MAX_RANGE_END} (https://learn.microsoft.com/azure/azure-resource-manager/"
            "templates/template-functions-array#range)"
        )
    return list(range(start, start + count))


def _shallow_merge(values: Any) -> Any:
    _need(isinstance(values, list), "shallowMerge() of a non-array")
    merged: dict[str, Any] = {}
    for value in values:
        _need(isinstance(value, dict), "shallowMerge() of an array of non-objects")
        merged.update(value)
    return merged


def _take(value: Any, count: Any) -> Any:
    _ints(count)
    _need(isinstance(value, (str, list)), f"take() of a {_type_name(value)}")
    return value[: max(count, 0)]


def _skip(value: Any, count: Any) -> Any:
    _ints(count)
    _need(isinstance(value, (str, list)), f"skip() of a {_type_name(value)}")
    return value[max(count, 0) :]


def _try_get(value: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(value, dict) and isinstance(key, str):
            match = _key(value, key)
            value = value[match] if match is not None else None
        elif isinstance(value, list) and _is_int(key) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def _index_from_end(value: Any, index: Any, strict: bool = True) -> Any:
    _ints(index)
    _need(isinstance(value, list), "indexFromEnd() of a non-array")
    if 1 <= index <= len(value):
        return value[-index]
    _need(not strict, f"indexFromEnd(): {index} is out of range")
    return None


def _union(*args: Any) -> Any:
    """Arrays: items in order, each once. Objects: later values win, nested objects are
    merged in turn, nested arrays are not (template-functions-object#union)."""
    _need(bool(args), "union() needs arguments")
    if all(isinstance(a, dict) for a in args):
        merged: dict[str, Any] = {}
        for a in args:
            _merge_into(merged, a)
        return merged
    _need(all(isinstance(a, list) for a in args), "union() of arrays and other values")
    for a in args:
        unknown = _inner_unresolved(a)
        if unknown is not None:
            return unknown  # whether it repeats another item is not known
    seen: list[Any] = []
    for a in args:
        for item in a:
            if not any(_equal(item, s, ignore_case=False) for s in seen):
                seen.append(item)
    return seen


def _inner_unresolved(value: Any) -> Unresolved | None:
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_VALUE_SIZE:
            raise LimitError(
                f"a value of more than {MAX_VALUE_SIZE} items, over the "
                f"{MAX_VALUE_SIZE // (1024 * 1024)} MB a template may have after expansion "
                f"({TEMPLATE_LIMITS})"
            )
        if isinstance(item, Unresolved):
            return item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _merge_into(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        existing = _key(target, key)
        if existing is not None and isinstance(target[existing], dict) and isinstance(value, dict):
            inner = dict(target.pop(existing))
            _merge_into(inner, value)
            target[key] = inner
        else:
            if existing is not None:
                del target[existing]
            target[key] = value


def _coalesce(*args: Any) -> Any:
    for value in args:
        if isinstance(value, Unresolved):
            return value  # it may or may not be null
        if value is not None:
            return value
    return None


# Comparison (template-functions-comparison)


def _compare(a: Any, b: Any) -> Any:
    """Numbers by value; strings as ARM compares them (the culture-aware order in which
    'a' < 'A' < 'b'), computed here only for letters and digits."""
    if _is_number(a) and _is_number(b):
        return (a > b) - (a < b)
    _need(
        isinstance(a, str) and isinstance(b, str), "comparison of other than two numbers or strings"
    )
    both = a + b
    if both and not (both.isascii() and both.isalnum()):
        raise _NotEvaluated("comparing strings with characters other than letters and digits")
    key_a = (a.lower(), [c.isupper() for c in a])
    key_b = (b.lower(), [c.isupper() for c in b])
    return (key_a > key_b) - (key_a < key_b)


class _NotEvaluated(Exception):
    """ARM computes this, but asr-guard does not: the value is left unresolved."""


# Logical (template-functions-logical)


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if _is_int(value):
        return value != 0
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ExpressionError(f"bool() of {_type_name(value)} {str(value)[:20]!r}")


def _not(value: Any) -> bool:
    _need(isinstance(value, bool), f"not() of a {_type_name(value)}")
    return not value


# Numeric (template-functions-numeric): 64-bit integers, truncating division.


def _add(a: Any, b: Any) -> int:
    _ints(a, b)
    return _int64(a + b)


def _sub(a: Any, b: Any) -> int:
    _ints(a, b)
    return _int64(a - b)


def _mul(a: Any, b: Any) -> int:
    _ints(a, b)
    return _int64(a * b)


def _div(a: Any, b: Any) -> int:
    _ints(a, b)
    _need(b != 0, "div() by 0")
    quotient = abs(a) // abs(b)
    return _int64(quotient if (a >= 0) == (b > 0) else -quotient)


def _mod(a: Any, b: Any) -> Any:
    _ints(a, b)
    _need(b != 0, "mod() by 0")
    return a - b * _div(a, b)


def _int(value: Any) -> Any:
    if _is_int(value):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,19}\s*", value):
        return _int64(int(value))
    if isinstance(value, float) and math.isfinite(value):
        return _int64(int(value))
    raise ExpressionError(f"int() of {_type_name(value)} {str(value)[:20]!r}")


def _float(value: Any) -> float:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        result = float(value)
        _need(math.isfinite(result), "float() of a value that is not finite")
        return result
    raise ExpressionError(f"float() of a {_type_name(value)}")


# Strings (template-functions-string)


def _utf8_base64(value: Any) -> str:
    _strings(value)
    return base64.b64encode(value.encode()).decode("ascii")


def _base64_bytes(value: Any) -> bytes:
    _strings(value)
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ExpressionError("not base64") from None


def _base64_to_string(value: Any) -> str:
    return _base64_bytes(value).decode("utf-8")


_JSON_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[\[\]{}]')
MAX_JSON_DEPTH = 256


def _json(value: Any) -> Any:
    """json(): ARM's JSON reader also takes single-quoted strings and comments."""
    _strings(value)
    depth = deepest = 0
    for match in _JSON_BRACKETS.finditer(value):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    if deepest > MAX_JSON_DEPTH:
        raise LimitError(
            f"json() of a value nested {deepest} levels deep (asr-guard's bound: {MAX_JSON_DEPTH})"
        )
    return loads_lenient(value, single_quotes=True)


def _data_uri(value: Any) -> str:
    return "data:text/plain;charset=utf8;base64," + _utf8_base64(value)


def _data_uri_to_string(value: Any) -> str:
    _strings(value)
    match = re.fullmatch(r"data:([^,]*?);base64,(.*)", value, re.S)
    if match is None:
        raise _NotEvaluated("dataUriToString() of a data URI that is not base64")
    return _base64_to_string(match.group(2))


def _ends_with(value: Any, suffix: Any) -> bool:
    _strings(value, suffix)
    return bool(value.lower().endswith(suffix.lower()))


def _starts_with(value: Any, prefix: Any) -> bool:
    _strings(value, prefix)
    return bool(value.lower().startswith(prefix.lower()))


def _pad_left(value: Any, length: Any, character: Any = " ") -> str:
    _ints(length)
    _strings(character)
    _need(len(character) == 1, "padLeft() pads with one character")
    if length > MAX_VALUE_SIZE:
        raise LimitError(
            f"padLeft() to {length} characters, over the {MAX_VALUE_SIZE // (1024 * 1024)} MB "
            f"a template may have after expansion ({TEMPLATE_LIMITS})"
        )
    return _string(value).rjust(length, character)


def _replace(value: Any, old: Any, new: Any) -> Any:
    _strings(value, old, new)
    _need(bool(old), "replace() of an empty string")
    if old in value and len(new) > len(old):
        grown = len(value) + value.count(old) * (len(new) - len(old))
        if grown > MAX_VALUE_SIZE:
            raise LimitError(
                f"replace() builds a string of {grown} characters, over the "
                f"{MAX_VALUE_SIZE // (1024 * 1024)} MB a template may have after expansion "
                f"({TEMPLATE_LIMITS})"
            )
    return value.replace(old, new)


def _split(value: Any, delimiters: Any) -> Any:
    _strings(value)
    if isinstance(delimiters, str):
        delimiters = [delimiters]
    _need(
        isinstance(delimiters, list) and all(isinstance(d, str) and d for d in delimiters),
        "split() needs non-empty delimiters",
    )
    return re.split("|".join(map(re.escape, delimiters)), value)


def _substring(value: Any, start: Any, length: Any = None) -> Any:
    _strings(value)
    _ints(start)
    if length is None:
        length = len(value) - start
    _ints(length)
    _need(0 <= start <= len(value), "substring() start is out of range")
    _need(0 <= length <= len(value) - start, "substring() length is out of range")
    return value[start : start + length]


def _to_lower(value: Any) -> Any:
    _strings(value)
    return value.lower()


def _to_upper(value: Any) -> Any:
    _strings(value)
    return value.upper()


def _trim(value: Any) -> Any:
    _strings(value)
    return value.strip()


_URI_SAFE = re.compile(r"[A-Za-z0-9\-._~:/?@!$&'()*+,;=]*")


def _uri(base: Any, relative: Any) -> Any:
    """uri(): the rules of template-functions-string#uri, for URIs that .NET's Uri class
    would not rewrite (no escapes, dot segments, fragment, query in the base, upper-case
    scheme or host, and a path in the base)."""
    _strings(base, relative)
    scheme, separator, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    plain = (
        separator
        and "/" in rest
        and _URI_SAFE.fullmatch(base)
        and _URI_SAFE.fullmatch(relative)
        and "?" not in base
        and scheme == scheme.lower()
        and host == host.lower()
        and not re.search(r"(^|/)\.\.?(/|$)", relative.split("?")[0])
    )
    if not plain:
        raise _NotEvaluated(f"uri() of {_clip(base)!r} and {_clip(relative)!r}")
    if base.endswith("/"):
        return base + relative.removeprefix("/")
    return base[: base.rfind("/") + 1] + relative


def _uri_component(value: Any) -> str:
    _strings(value)
    return urllib.parse.quote(value, safe="")


def _uri_component_to_string(value: Any) -> str:
    _strings(value)
    return urllib.parse.unquote(value)


def _to_string(value: Any) -> Any:
    """string(): compact JSON for arrays and objects, True/False for booleans."""
    if isinstance(value, (list, dict)):
        return _json_text(value)
    if value is None:
        raise _NotEvaluated("string() of null")
    if isinstance(value, float):
        raise _NotEvaluated("string() of a number that is not an integer")
    return _string(value)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^{}]*))?\}|[{}]")


def _format(template: Any, *args: Any) -> str:
    """format(): .NET composite formatting, with the standard numeric formats N, D, F, X and
    G and custom formats of 0, # , and . (invariant culture)."""
    _strings(template)

    def item(match: re.Match[str]) -> str:
        text = match.group()
        if text in ("{{", "}}"):
            return text[0]
        if match.group(1) is None:
            raise ExpressionError("format(): unmatched brace")
        index = int(match.group(1))
        _need(index < len(args), f"format(): no argument {index}")
        formatted = _format_value(args[index], match.group(3) or "")
        width = int(match.group(2) or 0)
        return formatted.rjust(width) if width >= 0 else formatted.ljust(-width)

    return _FORMAT_ITEM.sub(item, template)


def _format_value(value: Any, spec: str) -> str:
    if isinstance(value, str) or value is None:
        return value or ""
    if isinstance(value, bool):
        return _string(value)
    if not _is_int(value):
        raise _NotEvaluated(f"format() of a {_type_name(value)}")
    if not spec:
        return str(value)
    standard = re.fullmatch(r"([NnDdFfXxGg])(\d{0,2})", spec)
    if standard:
        kind, digits = standard.group(1).upper(), standard.group(2)
        precision = int(digits) if digits else None
        if kind == "N":
            return f"{value:,.{2 if precision is None else precision}f}"
        if kind == "F":
            return f"{value:.{2 if precision is None else precision}f}"
        if kind == "D":
            sign = "-" if value < 0 else ""
            return sign + str(abs(value)).zfill(precision or 0)
        if kind == "X":
            if value < 0:
                raise _NotEvaluated("format() of a negative number in hexadecimal")
            text = f"{value:X}" if standard.group(1) == "X" else f"{value:x}"
            return text.zfill(precision or 0)
        if precision is None:  # G
            return str(value)
    custom = re.fullmatch(r"([0#,]*)(?:\.([0#]*))?", spec)
    if custom and not custom.group(1).endswith(","):  # a trailing "," would scale
        whole, fraction = custom.group(1), custom.group(2) or ""
        minimum = len(whole.replace(",", "").lstrip("#"))
        digits = str(abs(value)).zfill(minimum) if value or minimum else ""
        if "," in whole.strip(","):
            digits = _grouped(digits)
        decimals = "." + "0" * fraction.count("0") if "0" in fraction else ""
        return ("-" if value < 0 else "") + digits + decimals
    raise _NotEvaluated(f"format() with the format {spec!r}")


def _grouped(digits: str) -> str:
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return ",".join(reversed(groups))


# CIDR (template-functions-cidr)


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    _strings(value)
    return ipaddress.ip_network(value, strict=False)


def _parse_cidr(value: Any) -> Any:
    network = _network(value)
    if isinstance(network, ipaddress.IPv4Network):
        if network.prefixlen > 30:
            raise _NotEvaluated(f"parseCidr() of a /{network.prefixlen} network")
        return {
            "network": str(network.network_address),
            "netmask": str(network.netmask),
            "broadcast": str(network.broadcast_address),
            "firstUsable": str(network.network_address + 1),
            "lastUsable": str(network.broadcast_address - 1),
            "cidr": network.prefixlen,
        }
    return {
        "network": str(network.network_address),
        "netmask": str(network.netmask),
        "firstUsable": str(network.network_address),
        "lastUsable": str(network.broadcast_address),
        "cidr": network.prefixlen,
    }


def _cidr_subnet(value: Any, prefix: Any, index: Any) -> str:
    network = _network(value)
    _ints(prefix, index)
    _need(network.prefixlen <= prefix <= network.max_prefixlen, "cidrSubnet(): invalid CIDR")
    _need(0 <= index < 2 ** (prefix - network.prefixlen), "cidrSubnet(): index out of range")
    start = int(network.network_address) + index * 2 ** (network.max_prefixlen - prefix)
    return f"{ipaddress.ip_address(start)}/{prefix}"


def _cidr_host(value: Any, index: Any) -> str:
    network = _network(value)
    _ints(index)
    usable = network.num_addresses - (2 if network.version == 4 else 1)
    _need(0 <= index < usable, "cidrHost(): index out of range")
    return str(network.network_address + 1 + index)


# name -> (function, what it needs): "any" takes arguments that may hold unresolved values
# inside arrays and objects (it moves them, as a whole); "sized" too, and builds a new
# string, array or object whose size is checked; "deep" needs every value inside its
# arguments resolved (it compares or writes them out); "grow" is "deep" and "sized".
_ANY, _SIZED, _DEEP, _GROW = 0, 1, 2, 3
Function = Callable[..., Any]
_PURE: dict[str, tuple[Function, int]] = {}


def _register(kind: int, **functions: Function) -> None:
    for name, function in functions.items():
        _PURE[name] = (function, kind)


_register(
    _ANY,
    array=_array,
    empty=_empty,
    first=_first,
    last=_last,
    length=_length,
    skip=_skip,
    take=_take,
    objectkeys=_object_keys,
    tryget=_try_get,
    indexfromend=_index_from_end,
    tryindexfromend=lambda v, i: _index_from_end(v, i, strict=False),
    true=lambda: True,
    false=lambda: False,
    null=lambda: None,
    bool=_bool,
    add=_add,
    sub=_sub,
    mul=_mul,
    div=_div,
    mod=_mod,
    int=_int,
    float=_float,
    tolower=_to_lower,
    toupper=_to_upper,
    trim=_trim,
    startswith=_starts_with,
    endswith=_ends_with,
    substring=_substring,
    split=_split,
    base64tostring=_base64_to_string,
    datauritostring=_data_uri_to_string,
    uricomponenttostring=_uri_component_to_string,
    parsecidr=_parse_cidr,
    cidrsubnet=_cidr_subnet,
    cidrhost=_cidr_host,
    extensionresourceid=_extension_resource_id,
    tenantresourceid=_tenant_resource_id,
    managementgroupresourceid=_management_group_resource_id,
)
_PURE["not"] = (_not, _ANY)
_register(
    _SIZED,
    createarray=lambda *a: list(a),
    createobject=_create_object,
    items=_items,
    shallowmerge=_shallow_merge,
    flatten=_flatten,
    concat=_concat,
    union=_union,
    range=_range,
)
_register(
    _DEEP,
    min=lambda *a: _extreme(min, *a),
    max=lambda *a: _extreme(max, *a),
    contains=_contains,
    equals=lambda a, b: _equal(a, b, ignore_case=True),
    greater=lambda a, b: _compare(a, b) > 0,
    greaterorequals=lambda a, b: _compare(a, b) >= 0,
    less=lambda a, b: _compare(a, b) < 0,
    lessorequals=lambda a, b: _compare(a, b) <= 0,
    indexof=_index_of,
    lastindexof=lambda c, i: _index_of(c, i, last=True),
    intersection=_intersection,
    json=_json,
    base64tojson=lambda v: _json(_base64_to_string(v)),
)
_register(
    _GROW,
    format=_format,
    string=_to_string,
    replace=_replace,
    padleft=_pad_left,
    base64=_utf8_base64,
    datauri=_data_uri,
    uri=_uri,
    uricomponent=_uri_component,
    join=_join,
)

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
        "deployer",
        "environment",
        "tenant",
        "managementgroup",
        "pickzones",
        "providers",
        "resourceinfo",
        "externalinput",
    }
)
_LAMBDA_FUNCTIONS = frozenset(
    {"filter", "map", "reduce", "sort", "toobject", "groupby", "mapvalues"}
)
_ERRORS = (
    TypeError,
    ValueError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    AttributeError,
    ExpressionError,
)


class _Template:
    """What the expressions of one template (or inner-scope nested template) read."""

    __slots__ = (
        "budget",
        "defaults",
        "evaluating",
        "functions",
        "parameters",
        "pointer",
        "raw_variables",
        "root",
        "types",
        "variables",
    )

    def __init__(
        self,
        parameters: Mapping[str, Any],
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any] | None,
        functions: Mapping[str, UserFunction] | None,
        budget: Budget | None,
        pointer: str,
        types: Mapping[str, str] | None = None,
    ) -> None:
        self.types = {k.lower(): v.lower() for k, v in (types or {}).items()}
        self.parameters = {
            k.lower(): _typed(v, self.types.get(k.lower())) for k, v in parameters.items()
        }
        self.defaults = {k.lower(): v for k, v in (defaults or {}).items()}
        self.raw_variables = {k.lower(): v for k, v in variables.items()}
        self.variables: dict[str, Any] = {}
        self.evaluating: set[str] = set()
        self.functions = dict(functions or {})
        self.budget = budget or Budget()
        self.pointer = pointer
        self.root: Evaluator | None = None


class Evaluator:
    """Evaluates the expressions of one template (or nested template) in one context: a
    scope for resourceGroup(), subscription() and resourceId(), and the copy loops it is in.

    Parameters and variables are read when first used, in the template's own context (no
    copy loop), and kept.
    """

    __slots__ = ("loops", "resource_loop", "scope", "template")

    def __init__(
        self,
        parameters: Mapping[str, Any],
        variables: Mapping[str, Any],
        scope: Scope,
        copy_index: Mapping[str, int] | None = None,
        defaults: Mapping[str, Any] | None = None,
        *,
        functions: Mapping[str, UserFunction] | None = None,
        budget: Budget | None = None,
        pointer: str = "",
        types: Mapping[str, str] | None = None,
    ) -> None:
        """parameters: given values; defaults: raw defaultValue of the others (read lazily);
        variables: the raw variables section (a "copy" loop as VariableCopy); pointer: where
        the template is in the document (for LimitError); types: declared parameter types,
        to which values are converted as ARM converts them."""
        self.template = _Template(
            parameters, variables, defaults, functions, budget, pointer, types
        )
        self.scope = scope
        self.loops: dict[str, Any] = {}
        self.resource_loop: str | None = None
        self.template.root = self
        for loop, index in (copy_index or {}).items():
            self.loops[loop.lower()] = index
            self.resource_loop = loop.lower()

    @property
    def budget(self) -> Budget:
        return self.template.budget

    def _child(self) -> Evaluator:
        child = Evaluator.__new__(Evaluator)
        child.template = self.template
        child.scope = self.scope
        child.loops = self.loops
        child.resource_loop = self.resource_loop
        return child

    def with_copy_index(self, loop: str, index: Any, resource: bool = True) -> Evaluator:
        """In iteration `index` of a copy loop (a resource's, or a property's or variable's)."""
        child = self._child()
        child.loops = {**self.loops, loop.lower(): index}
        if resource:
            child.resource_loop = loop.lower()
        return child

    def with_scope(self, scope: Scope) -> Evaluator:
        child = self._child()
        child.scope = scope
        return child

    # Parameters and variables
    def parameter(self, name: str) -> Any:
        return self._lazy("parameters", name, self.template.defaults, self.template.parameters)

    def variable(self, name: str) -> Any:
        return self._lazy("variables", name, self.template.raw_variables, self.template.variables)

    def _lazy(self, kind: str, name: str, raw: Mapping[str, Any], cache: dict[str, Any]) -> Any:
        """A parameter default or variable, evaluated when first read (outside any copy
        loop), then kept."""
        key = name.lower()
        if key in cache:
            return cache[key]
        if key not in raw:
            raise ExpressionError(f"{kind}('{name}') is not defined")
        marker = f"{kind}:{key}"
        template = self.template
        if marker in template.evaluating:
            raise ExpressionError(f"{kind}('{name}') refers to itself")
        template.evaluating.add(marker)
        root = template.root or self
        try:
            entry = raw[key]
            if isinstance(entry, VariableCopy):
                value = root.property_copies([entry.loop], resource=False)[entry.loop["name"]]
            else:
                value = root.value(entry)
                if kind == "parameters":
                    value = _typed(value, template.types.get(key))
        except LimitError as exc:
            exc.anchor(f"{template.pointer}/{kind}/{_escape(name)}")
            raise
        finally:
            template.evaluating.discard(marker)
        cache[key] = value
        return value

    # Values: resolve every expression string inside a JSON value.
    def value(self, value: Any) -> Any:
        """A JSON value with every expression in it evaluated (property copy loops expanded).

        An expression this evaluator cannot evaluate becomes Unresolved, with the reason;
        one past a bound raises LimitError.
        """
        if isinstance(value, str):
            if value.startswith("[") and value.endswith("]"):
                if value.startswith("[["):
                    return value[1:]
                try:
                    return self.expression(value[1:-1])
                except ExpressionError as exc:
                    return Unresolved(f"cannot evaluate {_clip(value)}: {exc}")
            return value
        if isinstance(value, dict):
            resolved: dict[str, Any] = {}
            loops: list[Any] | None = None
            key = ""
            try:
                for key, item in value.items():
                    if len(key) == 4 and key.lower() == "copy" and _is_property_copy(item):
                        loops = item
                    else:
                        resolved[key] = self.value(item)
                if loops is not None:
                    key = next(k for k in value if k.lower() == "copy")
                    resolved.update(self.property_copies(loops, resource=False))
            except LimitError as exc:
                exc.inside(key)
                raise
            return resolved
        if isinstance(value, list):
            items: list[Any] = []
            try:
                for item in value:
                    items.append(self.value(item))
            except LimitError as exc:
                exc.inside(len(items))
                raise
            return items
        return value

    def property_copies(self, loops: list[Any], resource: bool = False) -> dict[str, Any]:
        """ "copy": [{"name", "count", "input"}] in properties (or variables): one array each."""
        arrays: dict[str, Any] = {}
        for position, loop in enumerate(loops):
            try:
                count = self.copy_count(loop.get("count"))
                name = str(loop["name"])
                if isinstance(count, Unresolved):
                    arrays[name] = Unresolved(f"copy loop {name!r}: {count.reason}")
                    continue
                items = []
                for i in range(count):
                    self.template.budget.step()
                    items.append(self.with_copy_index(name, i, resource).value(loop.get("input")))
                arrays[name] = items
            except LimitError as exc:
                exc.inside(position)
                raise
        return arrays

    def copy_count(self, raw: Any) -> Any:
        """A copy loop's count: an int from 0 to 800, or Unresolved; past that, LimitError."""
        count = self.value(raw)
        if isinstance(count, Unresolved):
            return count
        if not _is_int(count):
            return Unresolved(f"count {str(count)[:40]!r} is not an integer")
        if not 0 <= count <= MAX_COPY_COUNT:
            error = LimitError(
                f"copy count {count}: ARM takes 0 to {MAX_COPY_COUNT} ({RESOURCE_ITERATION})"
            )
            error.inside("count")
            raise error
        return count

    def expression(self, text: str) -> Any:
        return self._eval(parse(text), None)

    # Evaluation of parsed nodes; env holds the lambda variables in scope.
    def _eval(self, node: Any, env: Mapping[str, Any] | None) -> Any:
        kind = node[0]
        if kind == _LITERAL:
            return node[1]
        if kind == _CALL:
            return self._call(node[1], node[2], env)
        target = self._eval(node[1], env)
        if kind == _MEMBER:
            if isinstance(target, Unresolved):
                return target
            if not isinstance(target, dict):
                raise ExpressionError(f"cannot read .{node[2]} of a {_type_name(target)}")
            match = _key(target, node[2])
            if match is None:
                raise ExpressionError(f"no property {node[2]!r}")
            return target[match]
        index = self._eval(node[2], env)
        unknown = _first_unresolved((target, index))
        if unknown:
            return unknown
        if isinstance(target, list) and _is_int(index):
            if 0 <= index < len(target):
                return target[index]
            raise ExpressionError(f"index {index} is out of range")
        if isinstance(target, dict) and isinstance(index, str):
            match = _key(target, index)
            if match is None:
                raise ExpressionError(f"no property {index!r}")
            return target[match]
        raise ExpressionError(f"cannot index a {_type_name(target)} with a {_type_name(index)}")

    def _call(self, name: str, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        self.template.budget.step()
        if name in DEPLOYMENT_TIME or name.startswith("list"):
            return Unresolved(f"{name}() is known only at deployment")
        special = _SPECIAL.get(name)
        if special is not None:
            return special(self, nodes, env)
        args = [self._eval(n, env) for n in nodes]
        unknown = _first_unresolved(args)
        # createArray() and createObject() hold an unresolved item as they hold any other.
        if unknown and not (
            name == "createarray"
            or (name == "createobject" and _first_unresolved(args[::2]) is None)
        ):
            return unknown
        if name in _LAMBDA_FUNCTIONS:
            return self._lambda_function(name, args)
        if "." in name:
            return self._user_function(name, args)
        entry = _PURE.get(name)
        if entry is None:
            return Unresolved(f"{name}() is not evaluated by asr-guard")
        function, kind = entry
        if kind >= _DEEP:
            for arg in args:
                if isinstance(arg, (list, dict)):
                    for inner in self.budget.walk(arg):
                        if isinstance(inner, Unresolved):
                            return inner
                        if isinstance(inner, Lambda):
                            raise ExpressionError(f"{name}() of a lambda")
        elif any(isinstance(a, Lambda) for a in args):
            raise ExpressionError(f"{name}() of a lambda")
        try:
            result = function(*args)
        except _NotEvaluated as exc:
            return Unresolved(f"{name}(): {exc} is not evaluated by asr-guard")
        except LimitError:
            raise
        except RecursionError:
            raise LimitError(f"{name}(): a value nested too deeply") from None
        except _ERRORS as exc:
            raise ExpressionError(f"{name}(): {exc or type(exc).__name__}") from None
        return self.budget.built(result) if kind in (_SIZED, _GROW) else result

    # Lambdas (template-functions-lambda)
    def _call_lambda(self, function: Any, *args: Any) -> Any:
        if not isinstance(function, Lambda):
            raise ExpressionError(f"expected a lambda, got a {_type_name(function)}")
        if len(args) < function.arity():
            raise ExpressionError(f"the lambda takes {function.arity()} argument(s)")
        self.template.budget.step()
        bound = dict(function.bound)
        for name, value in zip(function.names, args, strict=False):
            bound[name] = value
        return self._eval(function.body, bound)

    def _lambda_function(self, name: str, args: list[Any]) -> Any:
        if name == "map":
            array, function = _lambda_args(name, args, 2)
            return self.budget.built(
                [self._call_lambda(function, item, i) for i, item in enumerate(_array_of(array))]
            )
        if name == "filter":
            array, function = _lambda_args(name, args, 2)
            kept = []
            for i, item in enumerate(_array_of(array)):
                keep = self._call_lambda(function, item, i)
                if isinstance(keep, Unresolved):
                    return keep
                _need(isinstance(keep, bool), "filter(): the lambda must return a bool")
                if keep:
                    kept.append(item)
            return kept
        if name == "reduce":
            array, initial, function = _lambda_args(name, args, 3)
            accumulated = initial
            for i, item in enumerate(_array_of(array)):
                accumulated = self._call_lambda(function, accumulated, item, i)
                self.budget.built(accumulated)
            return accumulated
        if name == "sort":
            array, function = _lambda_args(name, args, 2)
            return self._sort(_array_of(array), function)
        if name == "toobject":
            _need(len(args) in (2, 3), "toObject() takes an array and one or two lambdas")
            array = _array_of(args[0])
            result: dict[str, Any] = {}
            for item in array:
                key = self._call_lambda(args[1], item)
                if isinstance(key, Unresolved):
                    return key
                _strings(key)
                result[key] = self._call_lambda(args[2], item) if len(args) == 3 else item
            return self.budget.built(result)
        if name == "groupby":
            array, function = _lambda_args(name, args, 2)
            groups: dict[str, list[Any]] = {}
            for item in _array_of(array):
                key = self._call_lambda(function, item)
                if isinstance(key, Unresolved):
                    return key
                _strings(key)
                groups.setdefault(key, []).append(item)
            return groups
        source, function = _lambda_args(name, args, 2)  # mapvalues
        _need(isinstance(source, dict), "mapValues() of a non-object")
        return {key: self._call_lambda(function, value) for key, value in source.items()}

    def _sort(self, items: list[Any], function: Any) -> Any:
        unresolved: list[Unresolved] = []

        def less(a: Any, b: Any) -> bool:
            result = self._call_lambda(function, a, b)
            if isinstance(result, Unresolved):
                unresolved.append(result)
                return False
            _need(isinstance(result, bool), "sort(): the lambda must return a bool")
            return bool(result)

        def compare(a: Any, b: Any) -> int:
            return -1 if less(a, b) else (1 if less(b, a) else 0)

        ordered = sorted(items, key=functools.cmp_to_key(compare))
        return unresolved[0] if unresolved else ordered

    def _user_function(self, name: str, args: list[Any]) -> Any:
        function = self.template.functions.get(name)
        if function is None:
            return Unresolved(f"user-defined function {name}() is not defined in this template")
        if len(args) != len(function.parameters):
            raise ExpressionError(f"{name}() takes {len(function.parameters)} argument(s)")
        if "call:" + name in self.template.evaluating:
            raise ExpressionError(f"{name}() calls itself")
        # A function reads only its own parameters (and other user-defined functions).
        inner = Evaluator(
            dict(zip(function.parameters, args, strict=True)),
            {},
            self.scope,
            functions=self.template.functions,
            budget=self.budget,
            pointer=self.template.pointer,
        )
        inner.template.evaluating = self.template.evaluating
        self.template.evaluating.add("call:" + name)
        try:
            return inner.value(function.output)
        finally:
            self.template.evaluating.discard("call:" + name)

    # Functions that need the evaluator or unevaluated arguments
    def _if(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        _need(len(nodes) == 3, "if() takes 3 arguments")
        condition = self._eval(nodes[0], env)
        if isinstance(condition, Unresolved):
            return condition
        _need(isinstance(condition, bool), f"if() of a {_type_name(condition)} condition")
        return self._eval(nodes[1] if condition else nodes[2], env)

    def _logical(
        self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None, decisive: bool
    ) -> Any:
        """and() / or(): known as soon as one argument decides it, even if another is not."""
        _need(len(nodes) >= 2, "and()/or() take 2 arguments or more")
        unknown = None
        for node in nodes:
            value = self._eval(node, env)
            if isinstance(value, Unresolved):
                unknown = unknown or value
                continue
            _need(isinstance(value, bool), f"and()/or() of a {_type_name(value)}")
            if value is decisive:
                return decisive
        return unknown if unknown else not decisive

    def _coalesce(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        return _coalesce(*(self._eval(n, env) for n in nodes))

    def _lambda(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        _need(len(nodes) >= 1, "lambda() needs a body")
        names = []
        for node in nodes[:-1]:
            name = self._eval(node, env)
            _strings(name)
            names.append(name)
        return Lambda(tuple(names), nodes[-1], dict(env or {}))

    def _lambda_variable(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        _need(len(nodes) == 1, "lambdaVariables() takes 1 argument")
        name = self._eval(nodes[0], env)
        _strings(name)
        if env is None or name not in env:
            raise ExpressionError(f"lambdaVariables('{name}') outside a lambda with it")
        return env[name]

    def _parameters(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        if len(nodes) == 1 and nodes[0][0] == _LITERAL and isinstance(nodes[0][1], str):
            return self.parameter(nodes[0][1])
        name = self._name_argument("parameters", nodes, env)
        return name if isinstance(name, Unresolved) else self.parameter(name)

    def _variables(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        if len(nodes) == 1 and nodes[0][0] == _LITERAL and isinstance(nodes[0][1], str):
            return self.variable(nodes[0][1])
        name = self._name_argument("variables", nodes, env)
        return name if isinstance(name, Unresolved) else self.variable(name)

    def _name_argument(self, function: str, nodes: tuple[Any, ...], env: Any) -> Any:
        _need(len(nodes) == 1, f"{function}() takes 1 argument")
        name = self._eval(nodes[0], env)
        if isinstance(name, Unresolved):
            return name
        _strings(name)
        return name

    def _copy_index(self, nodes: tuple[Any, ...], env: Mapping[str, Any] | None) -> Any:
        """copyIndex([loopName], [offset]): without a name, the resource's own loop, also
        inside a property loop (template-functions-numeric#copyindex)."""
        args = [self._eval(n, env) for n in nodes]
        unknown = _first_unresolved(args)
        if unknown:
            return unknown
        _need(len(args) <= 2, "copyIndex() takes at most 2 arguments")
        loop = args[0] if args and isinstance(args[0], str) else None
        offset = args[-1] if args and not isinstance(args[-1], str) else 0
        _ints(offset)
        if loop is None:
            if self.resource_loop is None:
                raise ExpressionError("copyIndex() outside a resource copy loop")
            index = self.loops[self.resource_loop]
        else:
            if loop.lower() not in self.loops:
                raise ExpressionError(f"copyIndex('{loop}') outside that copy loop")
            index = self.loops[loop.lower()]
        if isinstance(index, Unresolved):
            return index
        return _int64(index + offset)

    def _scope_function(self, name: str, nodes: tuple[Any, ...], env: Any) -> Any:
        """resourceId(), subscriptionResourceId(), resourceGroup(), subscription()."""
        args = [self._eval(n, env) for n in nodes]
        unknown = _first_unresolved(args)
        if unknown:
            return unknown
        try:
            if name == "resourceid":
                return self.scope.resource_id(*args)
            if name == "subscriptionresourceid":
                return self.scope.subscription_resource_id(*args)
            _need(not args, f"{name}() takes no arguments")
            if name == "resourcegroup":
                return self.scope.resource_group_object()
            return self.scope.subscription()
        except _ERRORS as exc:
            raise ExpressionError(f"{name}(): {exc}") from None


def _typed(value: Any, declared: str | None) -> Any:
    """A parameter value converted to its declared type as ARM converts it: an int or bool
    parameter may be given as a string ("3", "true")."""
    if declared == "int" and isinstance(value, str) and re.fullmatch(r"-?\d{1,19}", value):
        try:
            return _int64(int(value))
        except ExpressionError:
            return value
    if declared == "bool" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _lambda_args(name: str, args: list[Any], count: int) -> list[Any]:
    _need(len(args) == count, f"{name}() takes {count} arguments")
    return args


def _array_of(value: Any) -> list[Any]:
    _need(isinstance(value, list), f"expected an array, got a {_type_name(value)}")
    result: list[Any] = value
    return result


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _clip(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= 80 else one_line[:77] + "..."


def _is_property_copy(value: Any) -> bool:
    """A "copy" property that is a list of loops ({name, count, input})."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(v, dict) and isinstance(v.get("name"), str) and "input" in v for v in value
        )
    )


_SPECIAL: dict[str, Callable[[Evaluator, tuple[Any, ...], Any], Any]] = {
    "if": Evaluator._if,
    "and": lambda self, nodes, env: self._logical(nodes, env, False),
    "or": lambda self, nodes, env: self._logical(nodes, env, True),
    "coalesce": Evaluator._coalesce,
    "lambda": Evaluator._lambda,
    "lambdavariables": Evaluator._lambda_variable,
    "parameters": Evaluator._parameters,
    "variables": Evaluator._variables,
    "copyindex": Evaluator._copy_index,
}
_SPECIAL.update(
    {
        name: functools.partial(
            lambda name, self, nodes, env: self._scope_function(name, nodes, env), name
        )
        for name in ("resourceid", "subscriptionresourceid", "resourcegroup", "subscription")
    }
)
