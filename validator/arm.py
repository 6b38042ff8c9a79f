"""ARM deployment templates: resolve expressions, expand copy loops, flatten nested deployments.

The policies read the resolved template: the same shape as the template, with each
resource's expressions evaluated and its resource `id` added, child resources and the
resources of nested (inline) deployments flattened into one list. Every value that
depends on deployment time is listed under asr_guard.unresolved, with its place in the
template (a JSON pointer) and the reason; it is never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from validator import loading, schemas
from validator.arm_expressions import (
    Evaluator,
    ExpressionError,
    Scope,
    Unresolved,
    VariableCopy,
    provider_path,
)

TEMPLATE_SCHEMA = "arm-template.schema.json"
PARAMETERS_SCHEMA = "arm-parameters.schema.json"
DEPLOYMENTS_TYPE = "microsoft.resources/deployments"
_MAX_NESTING = 10


def is_template(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "deploymenttemplate.json" in str(value.get("$schema", "")).lower()
        and "resources" in value
    )


def load_parameters(source: str) -> dict[str, Any]:
    """Values from a deploymentParameters file; Key Vault references stay unresolved."""
    value = loading.load(source).value
    schemas.check(source, value, PARAMETERS_SCHEMA, "ARM parameters file")
    values: dict[str, Any] = {}
    for name, entry in value.get("parameters", {}).items():
        if "value" in entry:
            values[name] = entry["value"]
        else:
            values[name] = Unresolved(f"parameter '{name}' comes from a Key Vault reference")
    return values


@dataclass
class _Context:
    unresolved: list[dict[str, str]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)


def _unresolved_paths(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Unresolved):
        yield pointer, value.reason
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unresolved_paths(
                item, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            )
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _unresolved_paths(item, f"{pointer}/{i}")


def _plain(value: Any) -> Any:
    """Unresolved values become marked strings in the JSON the policies read."""
    if isinstance(value, Unresolved):
        return f"<unresolved: {value.reason}>"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _evaluator(template: Mapping[str, Any], given: Mapping[str, Any], scope: Scope) -> Evaluator:
    """An evaluator for a template: given parameter values, defaults read when first used."""
    declared = template.get("parameters") or {}
    given_lower = {k.lower(): v for k, v in given.items()}
    values: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for name, spec in declared.items():
        if name.lower() in given_lower:
            values[name] = given_lower[name.lower()]
        elif isinstance(spec, dict) and "defaultValue" in spec:
            # Defaults may refer to other parameters, variables and resourceGroup().
            defaults[name] = spec["defaultValue"]
        else:
            values[name] = Unresolved(f"parameter '{name}' has no value")
    return Evaluator(values, _variables(template), scope, defaults=defaults)


def _variables(template: Mapping[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = dict(template.get("variables") or {})
    loops = raw.pop("copy", None)
    if isinstance(loops, list):
        for loop in loops:
            if isinstance(loop, dict) and isinstance(loop.get("name"), str):
                raw[loop["name"]] = VariableCopy(loop)
    return raw


def _resource_entries(resources: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(resources, dict):  # languageVersion 2.0: symbolic names
        for name, resource in resources.items():
            if isinstance(resource, dict):
                yield f"{pointer}/{name}", resource
    elif isinstance(resources, list):
        for i, resource in enumerate(resources):
            if isinstance(resource, dict):
                yield f"{pointer}/{i}", resource


def _copy_instances(
    evaluator: Evaluator, resource: Mapping[str, Any], pointer: str, context: _Context
) -> Iterator[Evaluator]:
    loop = resource.get("copy")
    if not isinstance(loop, dict):
        yield evaluator
        return
    count = evaluator.value(loop.get("count"))
    name = str(loop.get("name", ""))
    if not isinstance(count, int) or isinstance(count, bool):
        reason = count.reason if isinstance(count, Unresolved) else f"count {count!r}"
        context.unresolved.append({"pointer": f"{pointer}/copy/count", "reason": reason})
        return
    for i in range(count):
        yield evaluator.with_copy_index(name, i)


def _resolve(
    template: Mapping[str, Any],
    evaluator: Evaluator,
    pointer: str,
    context: _Context,
    deployment: str,
    depth: int,
) -> None:
    entries = list(_resource_entries(template.get("resources"), f"{pointer}/resources"))
    for entry_pointer, resource in entries:
        _resolve_resource(resource, evaluator, entry_pointer, context, deployment, depth, None)


def _resolve_resource(
    resource: Mapping[str, Any],
    evaluator: Evaluator,
    pointer: str,
    context: _Context,
    deployment: str,
    depth: int,
    parent: tuple[str, str] | None,
) -> None:
    for instance in _copy_instances(evaluator, resource, pointer, context):
        condition = instance.value(resource.get("condition", True))
        if condition is False:
            continue
        resource_type = str(resource.get("type", ""))
        name = instance.value(resource.get("name", ""))
        if parent is not None:
            resource_type = f"{parent[0]}/{resource_type}"
            name = f"{parent[1]}/{name}" if isinstance(name, str) else name
        resolved: dict[str, Any] = {
            "type": resource_type,
            "name": name,
            "apiVersion": resource.get("apiVersion"),
            "properties": instance.value(_own_properties(resource, resource_type)),
            "asr_guard_source": pointer,
        }
        if resource.get("existing") is True:
            resolved["existing"] = True
        if condition is not True:
            resolved["condition"] = condition
        resolved["id"] = _resource_id(instance, resource_type, name)
        for where, reason in _unresolved_paths(resolved, pointer):
            context.unresolved.append({"pointer": where, "reason": reason})
        if deployment:
            resolved["deployment"] = deployment
        context.resources.append(_plain(resolved))
        if resource_type.lower() == DEPLOYMENTS_TYPE:
            _nested(resource, resolved, instance, pointer, context, deployment, depth)
        for child_pointer, child in _resource_entries(
            resource.get("resources"), f"{pointer}/resources"
        ):
            _resolve_resource(
                child,
                instance,
                child_pointer,
                context,
                deployment,
                depth,
                (resource_type, str(name)),
            )


def _own_properties(resource: Mapping[str, Any], resource_type: str) -> Any:
    """A deployment's inline template is resolved on its own, in its own scope."""
    properties = resource.get("properties", {})
    if resource_type.lower() == DEPLOYMENTS_TYPE and isinstance(properties, dict):
        return {k: v for k, v in properties.items() if k != "template"}
    return properties


def _resource_id(evaluator: Evaluator, resource_type: str, name: Any) -> Any:
    if not isinstance(name, str):
        return Unresolved("the resource name")
    try:
        path = provider_path(resource_type, name.split("/"))
    except ExpressionError as exc:
        return Unresolved(str(exc))
    group = evaluator.scope.resource_group_object()["id"]
    return f"{group}/{path}"


def _nested(
    resource: Mapping[str, Any],
    resolved: Mapping[str, Any],
    outer: Evaluator,
    pointer: str,
    context: _Context,
    deployment: str,
    depth: int,
) -> None:
    properties = resource.get("properties") or {}
    template = properties.get("template")
    name = resolved["name"] if isinstance(resolved["name"], str) else "?"
    path = f"{deployment}/{name}" if deployment else str(name)
    if not isinstance(template, dict):
        if "templateLink" in properties:
            context.unresolved.append(
                {
                    "pointer": f"{pointer}/properties/templateLink",
                    "reason": "linked template is not read",
                }
            )
        return
    if depth >= _MAX_NESTING:
        context.unresolved.append({"pointer": pointer, "reason": "nested deployments too deep"})
        return
    options = properties.get("expressionEvaluationOptions") or {}
    scope = _nested_scope(outer, resolved)
    if str(options.get("scope", "outer")).lower() == "inner":
        given = {}
        for key, raw in (properties.get("parameters") or {}).items():
            # An entry is {"value": ...}, or an expression that evaluates to one.
            entry = outer.value(raw)
            if isinstance(entry, dict) and "value" in entry:
                given[key] = entry["value"]
            elif isinstance(entry, Unresolved):
                given[key] = entry
        inner = _evaluator(template, given, scope)
    else:
        # Outer scope: the nested template's expressions read the parent's parameters.
        inner = outer
    _resolve(template, inner, f"{pointer}/properties/template", context, path, depth + 1)


def _nested_scope(outer: Evaluator, resolved: Mapping[str, Any]) -> Scope:
    scope = Scope()
    scope.subscription_id = outer.scope.subscription_id
    scope.resource_group = outer.scope.resource_group
    group = resolved.get("resourceGroup") or (resolved.get("properties") or {}).get("resourceGroup")
    if isinstance(group, str) and not group.startswith("<unresolved"):
        scope.resource_group = group
    return scope


def resolve_template(
    template: Mapping[str, Any],
    parameters: Mapping[str, Any] | None = None,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """The resolved template the policies read."""
    scope = scope or Scope()
    context = _Context()
    _resolve(template, _evaluator(template, parameters or {}, scope), "", context, "", 0)
    return {
        "$schema": template.get("$schema"),
        "contentVersion": template.get("contentVersion"),
        "resources": context.resources,
        "asr_guard": {"resolved": True, "unresolved": context.unresolved},
    }
