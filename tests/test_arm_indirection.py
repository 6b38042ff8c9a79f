"""The same resources, written directly or through ARM's indirections, resolve to the same
values: variables, parameters (default and given), expressions (concat, format, if, json,
createObject, union, indexing), resource and property copy loops, and nested deployments
with inner or outer expression scope, deployed where a resourceGroup says."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from validator.arm import resolve_template
from validator.arm_expressions import Scope

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
SUB = "0b5c1a2e-0000-4000-8000-000000000001"
HOME = f"/subscriptions/{SUB}/resourceGroups/rg-x"  # where the resources deploy
ELSEWHERE = f"/subscriptions/{SUB}/resourceGroups/rg-y"  # where a relocating template deploys
TYPES = ("Microsoft.Compute/disks", "Microsoft.Compute/virtualMachines")

scalars = st.integers(-1000, 1000) | st.booleans() | st.text(alphabet="ab-' [{}]", max_size=6)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text("abcdef", min_size=1, max_size=3), children, max_size=3)
    ),
    max_leaves=8,
)
names = st.text("abcde", min_size=1, max_size=4)


def literal(value: Any) -> Any:
    """The JSON that a template holds for a value, outside any expression."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return "[" + value  # "[[...]" is a literal string that starts with "["
    if isinstance(value, list):
        return [literal(v) for v in value]
    if isinstance(value, dict):
        return {k: literal(v) for k, v in value.items()}
    return value


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def arm_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


@dataclass
class Builder:
    """The parameters and variables sections of one (nested) template, filled as values are
    routed through them."""

    draw: st.DrawFn
    prefix: str
    given: dict[str, Any] | None  # values given from outside (top level: a parameters file)
    variables: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    passed: dict[str, Any] = field(default_factory=dict)  # inner scope: {"value": ...} entries
    outer: Builder | None = None  # inner scope: the parent, whose json() makes passed values

    def new_name(self, kind: str) -> str:
        return f"{self.prefix}{kind}{len(self.variables) + len(self.parameters)}"

    def json(self, value: Any, depth: int = 0) -> Any:
        """Template JSON that evaluates to `value`."""
        how = self.draw(st.sampled_from(["literal", "expression", "parts"]))
        if how == "expression" or depth > 3:
            return "[" + self.term(value, depth) + "]" if depth <= 3 else literal(value)
        if how == "parts" and isinstance(value, dict):
            return {k: self.json(v, depth + 1) for k, v in value.items()}
        if how == "parts" and isinstance(value, list):
            return [self.json(v, depth + 1) for v in value]
        return literal(value)

    def term(self, value: Any, depth: int) -> str:
        """An expression term that evaluates to `value`."""
        options: list[Callable[[], str]] = [
            lambda: constant(value),
            lambda: self.variable(value, depth),
        ]
        if value is not None:
            options.append(lambda: self.parameter_default(value))
            if self.given is not None or self.outer is not None:
                options.append(lambda: self.parameter_given(value, depth))
        if isinstance(value, str) and len(value) >= 2:
            options.append(lambda: self.concat(value, depth))
            options.append(lambda: f"format('{{0}}', {self.term(value, depth + 1)})")
        if isinstance(value, dict) and len(value) >= 2:
            options.append(lambda: self.union(value, depth))
        options.append(lambda: f"if(true(), {self.term(value, depth + 1)}, 'other')")
        options.append(lambda: f"createArray(1, {self.term(value, depth + 1)})[1]")
        options.append(lambda: f"createObject('k', {self.term(value, depth + 1)}).k")
        if isinstance(value, (list, dict)):
            options.append(lambda: f"json({quoted(json.dumps(value))})")
        if depth > 2:
            options = options[:1]
        return self.draw(st.sampled_from(options))()

    def variable(self, value: Any, depth: int) -> str:
        name = self.new_name("v")
        self.variables[name] = None  # reserve the name before the value's own indirections
        self.variables[name] = self.json(value, depth + 1)
        return f"variables('{name}')"

    def parameter_default(self, value: Any) -> str:
        name = self.new_name("p")
        self.parameters[name] = {"type": arm_type(value), "defaultValue": literal(value)}
        return f"parameters('{name}')"

    def parameter_given(self, value: Any, depth: int) -> str:
        name = self.new_name("g")
        self.parameters[name] = {"type": arm_type(value)}
        if self.outer is not None:  # an inner-scope nested template: passed by its deployment
            self.passed[name] = {"value": self.outer.json(value, depth + 1)}
        else:
            assert self.given is not None
            self.given[name] = value
        return f"parameters('{name}')"

    def concat(self, value: str, depth: int) -> str:
        cut = self.draw(st.integers(1, len(value) - 1))
        return f"concat({self.term(value[:cut], depth + 1)}, {self.term(value[cut:], depth + 1)})"

    def union(self, value: dict[str, Any], depth: int) -> str:
        keys = list(value)
        cut = self.draw(st.integers(1, len(keys) - 1))
        first = {k: value[k] for k in keys[:cut]}
        second = {k: value[k] for k in keys[cut:]}
        return f"union({self.term(first, depth + 1)}, {self.term(second, depth + 1)})"

    def sections(self) -> dict[str, Any]:
        return {"parameters": self.parameters, "variables": self.variables}


def constant(value: Any) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quoted(value)
    if value is None:
        return "null()"
    if isinstance(value, list):
        return "createArray(" + ", ".join(constant(v) for v in value) + ")"
    return (
        "createObject(" + ", ".join(f"{quoted(k)}, {constant(v)}" for k, v in value.items()) + ")"
    )


@dataclass(frozen=True)
class Family:
    """One resource, or `count` of them (a copy loop), each with a list of `disks` items."""

    type: str
    name: str
    properties: dict[str, Any]
    count: int  # 0: not a loop
    disks: int

    def direct(self) -> list[dict[str, Any]]:
        instances = range(self.count) if self.count else [None]
        return [
            {
                "type": self.type,
                "apiVersion": "2024-03-02",
                "name": self.name if i is None else f"{self.name}{i}",
                "properties": literal(self.expected_properties(i)),
            }
            for i in instances
        ]

    def expected_properties(self, i: int | None) -> dict[str, Any]:
        properties = dict(self.properties)
        name = self.name if i is None else f"{self.name}{i}"
        properties["self"] = f"{HOME}/providers/{self.type}/{name}"
        if i is not None:
            properties["slot"] = i
        if self.disks:
            properties["dataDisks"] = [{"lun": n, "name": f"x{n}"} for n in range(self.disks)]
        return properties

    def indirect(self, builder: Builder, function_scope_is_home: bool) -> dict[str, Any]:
        properties: dict[str, Any] = {k: builder.json(v) for k, v in self.properties.items()}
        name_term = (
            quoted(self.name)
            if not self.count
            else f"concat({quoted(self.name)}, string(copyIndex()))"
        )
        own_id = f"resourceId({quoted(self.type)}, {name_term})"
        if not function_scope_is_home:
            # Outer scope, deployed to rg-x from rg-y: resourceGroup() and resourceId() still
            # answer for rg-y, the parent's resource group (as ARM documents).
            own_id = (
                "if(equals(resourceGroup().name, 'rg-y'), "
                f"resourceId('rg-x', {quoted(self.type)}, {name_term}), 'not the parent scope')"
            )
        properties["self"] = f"[{own_id}]"
        resource: dict[str, Any] = {"type": self.type, "apiVersion": "2024-03-02"}
        if self.count:
            resource["name"] = f"[{name_term}]"
            resource["copy"] = {"name": "family", "count": builder.json(self.count)}
            properties["slot"] = "[copyIndex()]"
        else:
            resource["name"] = builder.json(self.name)
        if self.disks:
            properties["copy"] = [
                {
                    "name": "dataDisks",
                    "count": builder.json(self.disks),
                    "input": {
                        "lun": "[copyIndex('dataDisks')]",
                        "name": "[concat('x', string(copyIndex('dataDisks')))]",
                    },
                }
            ]
        resource["properties"] = properties
        return resource


families = st.builds(
    Family,
    type=st.sampled_from(TYPES),
    name=names,
    properties=st.dictionaries(st.text("abcdef", min_size=1, max_size=3), values, max_size=3),
    count=st.sampled_from([0, 0, 1, 3]),
    disks=st.sampled_from([0, 0, 2]),
)


def template(resources: list[Any], sections: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", **sections, "resources": resources}


def deployment(name: str, inner: dict[str, Any], scope: str, **extra: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "mode": "Incremental",
        "expressionEvaluationOptions": {"scope": scope},
        "template": inner,
    }
    properties.update(extra.pop("properties", {}))
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": name,
        **extra,
        "properties": properties,
    }


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any], str]:
    """(the direct resources, the indirect template, its given parameters, its scope)."""
    chosen = draw(st.lists(families, min_size=1, max_size=3, unique_by=lambda f: f.name))
    given: dict[str, Any] = {}
    top = Builder(draw, "t", given)
    relocate = draw(st.booleans())  # deployed elsewhere; a nested deployment targets rg-x
    resources: list[dict[str, Any]] = []
    for number, family in enumerate(chosen):
        nesting = (
            draw(st.sampled_from(["none", "inner", "outer"]))
            if not relocate
            else draw(st.sampled_from(["inner", "outer"]))
        )
        if nesting == "none":
            resources.append(family.indirect(top, function_scope_is_home=True))
        elif nesting == "outer":
            # Outer scope: the parent's parameters and variables, and its resourceGroup().
            inner = template([family.indirect(top, function_scope_is_home=not relocate)], {})
            extra = {"resourceGroup": "rg-x"} if relocate else {}
            resources.append(deployment(f"m{number}", inner, "outer", **extra))
        else:
            nested = Builder(draw, f"n{number}", None, outer=top)
            inner = template([family.indirect(nested, function_scope_is_home=True)], {})
            inner.update(nested.sections())
            extra = {"resourceGroup": "rg-x"} if relocate or draw(st.booleans()) else {}
            resources.append(
                deployment(
                    f"m{number}", inner, "inner", properties={"parameters": nested.passed}, **extra
                )
            )
    direct = [resource for family in chosen for resource in family.direct()]
    return direct, template(resources, top.sections()), given, ELSEWHERE if relocate else HOME


def outcome(resolved: dict[str, Any]) -> dict[str, tuple[str, str, Any]]:
    assert resolved["asr_guard"]["unresolved"] == []
    return {
        r["id"]: (r["type"], r["name"], r["properties"])
        for r in resolved["resources"]
        if r["type"] != "Microsoft.Resources/deployments"
    }


@settings(max_examples=150, deadline=None)
@given(cases())
def test_indirections_resolve_to_the_direct_values(
    case: tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any], str],
) -> None:
    direct, indirect, given_values, scope = case
    expected = outcome(resolve_template(template(direct, {}), {}, Scope(HOME)))
    assert len(expected) == len(direct)
    assert outcome(resolve_template(indirect, given_values, Scope(scope))) == expected


def test_direct_values_are_the_generated_values() -> None:
    family = Family("Microsoft.Compute/disks", "d", {"a": "[x]", "b": [1, True]}, 2, 2)
    resolved = outcome(resolve_template(template(family.direct(), {}), {}, Scope(HOME)))
    assert resolved[f"{HOME}/providers/Microsoft.Compute/disks/d1"][
        2
    ] == family.expected_properties(1)
