"""ARM deployment templates as Azure Resource Manager reads them: parameters, expressions,
copy loops, nested deployments and their scopes, resource ids; bounded.

The resolved template (what `asr-guard resolve` prints and the policies read; its JSON
Schema is schemas/resolved-template.schema.json):

    {"$schema", "contentVersion", "languageVersion"?,
     "resources": [resource, ...],
     "asr_guard": {"resolved": true,
                   "unresolved": [{"pointer": JSON pointer into the template, "reason"}],
                   "scope": {"subscription_id": str | null, "resource_group": str | null},
                   "parameters_files": [path, ...]}}

Each resource: {"type", "name", "apiVersion", "properties", "id", "asr_guard_source" (the
JSON pointer of its definition), and when they apply "existing": true, "condition",
"deployment" (the names of the nested deployments it is in, joined by "/"),
"asr_guard_copy_unresolved", "asr_guard_template_unresolved",
"asr_guard_parameters_file"}. Child resources and the resources of nested deployments are
in the same flat list, copy loops expanded (one resource per iteration). What the gate
cannot know stays visible:

- a value that cannot be resolved is the string "<unresolved: REASON>" at its place;
- a resource whose copy count cannot be resolved is there ONCE, its copyIndex() values
  unresolved, with "asr_guard_copy_unresolved": REASON;
- a nested deployment whose template cannot be read (a templateLink, nesting deeper than
  MAX_NESTING, a template value that is not resolved) is itself in `resources`, with
  "asr_guard_template_unresolved": REASON;
- an unresolved `condition` stays "condition": "<unresolved: ...>" (on the resources of a
  nested deployment too, when it is the deployment's); a resource whose condition is
  false is left out;
- asr_guard.unresolved lists every such place, {pointer, reason}, for the reports;
- ids of templates deployed to an unknown place keep the {subscriptionId} and
  {resourceGroupName} placeholders (a name that depends on them is unresolved);
  asr_guard.scope names what was given (--scope), null for what was not.

Nested deployments set the scope of the resources inside them: their `subscriptionId`,
`resourceGroup` or `scope` (what every Bicep `module` with `scope:` compiles to). With the
default "outer" expression evaluation, resourceGroup(), subscription() and resourceId() in
the nested template still answer for the parent's scope, as ARM documents
(https://learn.microsoft.com/azure/azure-resource-manager/templates/scope-functions#function-resolution-in-scopes);
with "inner", for the nested deployment's own.

Past ARM's documented limits (validator.arm_expressions; and MAX_RESOURCES, asr-guard's
bound on resources in one resolved template), the template is refused: LimitError, which
the input reader turns into exit 2 naming the limit, the file and the JSON pointer.

Property names: ARM reads them without regard to case; each name the policies read is
given in its REST spelling (validator.arm_names), and an object with two names that are
one to ARM is refused.

Parameters: values from a parameters file given for every template (--parameters FILE) or
for one (--parameters TEMPLATE=FILE), else found as PSRule for Azure finds them
(https://azure.github.io/PSRule.Rules.Azure/using-templates/): `<name>.parameters.json`
beside `<name>.json`, and parameters files in the same folder whose `metadata.template`
names the template; a template with several is read once with each. A parameter without
a value is unresolved, a languageVersion 2.0 `nullable` one is null.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator import loading, schemas
from validator.arm_expressions import (
    MANAGEMENT_GROUP,
    RESOURCE_GROUP,
    RESOURCE_GROUP_PLACEHOLDER,
    SUBSCRIPTION,
    SUBSCRIPTION_PLACEHOLDER,
    TENANT,
    Budget,
    Evaluator,
    ExpressionError,
    LimitError,
    Scope,
    Unresolved,
    VariableCopy,
    provider_path,
    user_functions,
)
from validator.arm_names import NameTwinError, canonical_names
from validator.errors import InputError, UsageError
from validator.jsonc import is_parameters
from validator.jsonc import is_template as is_template

TEMPLATE_SCHEMA = "arm-template.schema.json"
PARAMETERS_SCHEMA = "arm-parameters.schema.json"
DEPLOYMENTS_TYPE = "microsoft.resources/deployments"
# Nested deployments deeper than this are not read: they are listed, template unresolved.
MAX_NESTING = 32
# Resources in one resolved template, copy loops and nested deployments included. ARM
# takes 800 per deployment (Template limits); nested deployments in copy loops multiply.
MAX_RESOURCES = 50_000
PARAMETERS_FILE_MAX_BYTES = 4 * 1024 * 1024  # ARM's limit for a parameters file
# Python frames while resolving: a chain of ARM's 256 variables, each read through the
# next, takes about 5 frames a variable, over Python's default limit of 1,000. Python calls
# do not use the C stack since Python 3.11, so the limit is raised while a template is
# resolved (and put back after).
RECURSION_LIMIT = 10_000

_LEVELS = (
    ("subscriptiondeploymenttemplate.json", SUBSCRIPTION),
    ("managementgroupdeploymenttemplate.json", MANAGEMENT_GROUP),
    ("tenantdeploymenttemplate.json", TENANT),
)


def level(template: Mapping[str, Any]) -> str:
    """The deployment scope a template is written for, from its $schema."""
    schema = str(template.get("$schema", "")).lower()
    return next((found for name, found in _LEVELS if name in schema), RESOURCE_GROUP)


# --- parameters ----------------------------------------------------------------------------


def load_parameters(source: str) -> dict[str, Any]:
    """Values from a deploymentParameters file; Key Vault references stay unresolved."""
    value = loading.load(source, PARAMETERS_FILE_MAX_BYTES).value
    schemas.check(source, value, PARAMETERS_SCHEMA, "ARM parameters file")
    values: dict[str, Any] = {}
    for name, entry in value.get("parameters", {}).items():
        if "value" in entry:
            values[name] = entry["value"]
        else:
            values[name] = Unresolved(f"parameter '{name}' comes from a Key Vault reference")
    return values


def parameter_arguments(arguments: Sequence[str]) -> tuple[str | None, dict[str, str]]:
    """--parameters FILE (every template) and --parameters TEMPLATE=FILE (one template):
    (the file for every template, {template path: file}). A value that names an existing
    file is a FILE, even with "=" in its name."""
    every: str | None = None
    per_template: dict[str, str] = {}
    for argument in arguments:
        template, separator, parameters = argument.partition("=")
        if not separator or Path(argument).is_file():
            if every is not None:
                raise UsageError(
                    "--parameters FILE given twice: name the template of each "
                    "(--parameters TEMPLATE=FILE)"
                )
            every = argument
            continue
        if not template or not parameters:
            raise UsageError(f"--parameters {argument!r}: expected FILE or TEMPLATE=FILE")
        key = _path_key(template)
        if key in per_template:
            raise UsageError(f"--parameters: two parameters files for {template}")
        per_template[key] = parameters
    return every, per_template


@dataclass(frozen=True)
class TemplateContext:
    """What ARM template expressions may read besides the template: --parameters, --scope.

    parameters: the values of the --parameters FILE for every template (parameters_file);
    per_template: resolved template path -> (file, values) of --parameters TEMPLATE=FILE.
    Without either, each template is paired with its parameters files (paired_parameters).
    """

    parameters: dict[str, Any] = field(default_factory=dict)
    scope: str | None = None
    per_template: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    parameters_file: str | None = None


def template_context(arguments: str | Sequence[str] | None, scope: str | None) -> TemplateContext:
    """What --parameters and --scope give the templates of a run (checked at once)."""
    if isinstance(arguments, str):
        arguments = [arguments]
    try:
        Scope(scope)
    except ExpressionError as exc:
        raise UsageError(str(exc)) from None
    every, per_template = parameter_arguments(arguments or ())
    return TemplateContext(
        load_parameters(every) if every else {},
        scope,
        per_template={key: (path, load_parameters(path)) for key, path in per_template.items()},
        parameters_file=every,
    )


def _path_key(path: str) -> str:
    return path if path == loading.STDIN else str(Path(path).resolve())


def paired_parameters(template_path: str) -> list[str]:
    """Parameters files for a template, found as PSRule for Azure finds them."""
    if template_path == loading.STDIN:
        return []
    path = Path(template_path)
    found = []
    beside = path.with_name(f"{path.stem}.parameters.json")
    if path.suffix.lower() == ".json" and beside.is_file() and beside != path:
        found.append(str(beside))
    for candidate in _linked_parameters(str(path.parent.resolve())).get(str(path.resolve()), []):
        if Path(candidate).resolve() != beside.resolve():
            found.append(candidate)
    return found


@functools.lru_cache(maxsize=256)
def _linked_parameters(directory: str) -> dict[str, list[str]]:
    """template path -> parameters files in `directory` whose metadata.template names it."""
    linked: dict[str, list[str]] = {}
    for candidate in sorted(Path(directory).glob("*.json")):
        try:
            # a FIFO or a device named *.json would block or never end: regular files only
            if not candidate.is_file() or candidate.stat().st_size > PARAMETERS_FILE_MAX_BYTES:
                continue
            text = candidate.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if "deploymentparameters.json" not in text.lower() or '"template"' not in text:
            continue
        try:
            value = loading.parse_json(str(candidate), text)
        except InputError:
            continue
        metadata = value.get("metadata") if is_parameters(value) else None
        target = metadata.get("template") if isinstance(metadata, dict) else None
        if not isinstance(target, str) or not target:
            continue
        # PSRule: relative to the parameters file, or with ~/ to the working directory.
        base = Path.cwd() if target.startswith("~/") else candidate.parent
        resolved = base / target.removeprefix("~/")
        linked.setdefault(str(resolved.resolve()), []).append(str(candidate))
    return linked


def resolve_input(source: str, template: Any, context: TemplateContext) -> dict[str, Any]:
    """The resolved template of an input file, with its parameters: InputError past a limit."""
    pairs: list[tuple[str | None, Mapping[str, Any]]]
    explicit = context.per_template.get(_path_key(source))
    if explicit is not None:
        pairs = [explicit]
    elif context.parameters_file is not None or context.parameters:
        pairs = [(context.parameters_file, context.parameters)]
    else:
        pairs = [(path, load_parameters(path)) for path in paired_parameters(source)]
        pairs = pairs or [(None, {})]
    try:
        scope = Scope(context.scope)
    except ExpressionError as exc:
        raise UsageError(str(exc)) from None
    try:
        results = [resolve_template(template, values, scope, path) for path, values in pairs]
    except LimitError as exc:
        raise InputError(source, f"refused: {exc}") from None
    except ExpressionError as exc:
        raise InputError(source, f"cannot resolve the template: {exc}") from None
    except NameTwinError as exc:
        raise InputError(source, f"refused: {exc}") from None
    except RecursionError:
        raise InputError(source, "refused: the template is nested too deeply") from None
    if len(results) == 1:
        return results[0]
    # Several parameters files: the template is read with each, its resources marked.
    for (path, _), result in zip(pairs, results, strict=True):
        for resource in result["resources"]:
            resource["asr_guard_parameters_file"] = path
    merged = results[0]
    for result in results[1:]:
        merged["resources"].extend(result["resources"])
        merged["asr_guard"]["unresolved"].extend(result["asr_guard"]["unresolved"])
        merged["asr_guard"]["parameters_files"].extend(result["asr_guard"]["parameters_files"])
    return merged


# --- resolution ------------------------------------------------------------------------------


@dataclass
class _Context:
    """What one resolution collects."""

    budget: Budget
    parameters_file: str | None
    unresolved: list[dict[str, str]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Inherited:
    """What a nested deployment passes to the resources inside it."""

    deployment: str = ""  # the names of the enclosing deployments, joined by "/"
    condition: Any = True  # the enclosing deployment's condition, when not known to be true
    copy_unresolved: str | None = None


def _evaluator(
    template: Mapping[str, Any],
    given: Mapping[str, Any],
    scope: Scope,
    budget: Budget,
    pointer: str,
) -> Evaluator:
    """An evaluator for a template: given parameter values, defaults read when first used."""
    declared = template.get("parameters") or {}
    linked = isinstance(given, _LinkedParameters)
    given_lower = {k.lower(): v for k, v in given.items()}
    values: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    definitions = template.get("definitions") or {}
    for name, spec in declared.items() if isinstance(declared, dict) else ():
        if name.lower() in given_lower:
            values[name] = given_lower[name.lower()]
        elif linked:
            values[name] = Unresolved(f"parameter '{name}' comes from a linked parameters file")
        elif isinstance(spec, dict) and "defaultValue" in spec:
            # Defaults may refer to other parameters, variables and resourceGroup().
            defaults[name] = spec["defaultValue"]
        elif _nullable(spec, definitions):
            values[name] = None  # languageVersion 2.0: a nullable parameter without a value
        else:
            values[name] = Unresolved(f"parameter '{name}' has no value")
    return Evaluator(
        values,
        _variables(template),
        scope,
        defaults=defaults,
        functions=user_functions(template),
        budget=budget,
        pointer=pointer,
        types={
            name: spec["type"]
            for name, spec in (declared.items() if isinstance(declared, dict) else ())
            if isinstance(spec, dict) and isinstance(spec.get("type"), str)
        },
    )


def _nullable(spec: Any, definitions: Any) -> bool:
    if not isinstance(spec, dict):
        return False
    if spec.get("nullable") is True:
        return True
    reference = spec.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/definitions/"):
        definition = definitions.get(reference.removeprefix("#/definitions/"))
        return isinstance(definition, dict) and definition.get("nullable") is True
    return False


def _variables(template: Mapping[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = dict(template.get("variables") or {})
    loops = None
    for key in list(raw):
        if key.lower() == "copy" and isinstance(raw[key], list):
            loops = raw.pop(key)
    for loop in loops or ():
        if isinstance(loop, dict) and isinstance(loop.get("name"), str):
            raw[loop["name"]] = VariableCopy(loop)
    return raw


def _resource_entries(resources: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(resources, dict):  # languageVersion 2.0: symbolic names
        for name, resource in resources.items():
            if isinstance(resource, dict):
                yield f"{pointer}/{_escape(name)}", resource
    elif isinstance(resources, list):
        for i, resource in enumerate(resources):
            if isinstance(resource, dict):
                yield f"{pointer}/{i}", resource


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _get(mapping: Mapping[str, Any], name: str) -> Any:
    """A template keyword, whatever its case ("Copy", "Condition"): ARM ignores it."""
    if name in mapping:
        return mapping[name]
    lowered = name.lower()
    if lowered not in map(str.lower, mapping):  # the usual case, scanned at C speed
        return None
    return next((v for k, v in mapping.items() if k.lower() == lowered), None)


def _has(mapping: Mapping[str, Any], name: str) -> bool:
    return name in mapping or name.lower() in map(str.lower, mapping)


def _resolve(
    template: Mapping[str, Any],
    evaluator: Evaluator,
    deploy_scope: Scope,
    pointer: str,
    context: _Context,
    inherited: _Inherited,
    depth: int,
) -> None:
    for entry_pointer, resource in _resource_entries(
        template.get("resources"), f"{pointer}/resources"
    ):
        try:
            _resolve_resource(
                resource, evaluator, deploy_scope, entry_pointer, context, inherited, depth, None
            )
        except LimitError as exc:
            exc.anchor(entry_pointer)
            raise


def _copy_instances(
    evaluator: Evaluator, resource: Mapping[str, Any], pointer: str, context: _Context
) -> Iterator[tuple[Evaluator, str | None]]:
    """The evaluator of each iteration, and why the count is not known (then one, with
    copyIndex() unresolved)."""
    loop = _get(resource, "copy")
    if not isinstance(loop, dict):
        yield evaluator, None
        return
    name = str(_get(loop, "name") or "")
    try:
        count = evaluator.copy_count(_get(loop, "count"))
    except LimitError as exc:
        exc.inside("copy")
        raise
    if isinstance(count, Unresolved):
        reason = f"copy loop {name!r}: {count.reason}"
        context.unresolved.append({"pointer": f"{pointer}/copy/count", "reason": reason})
        yield evaluator.with_copy_index(name, Unresolved(f"copyIndex() of {reason}")), reason
        return
    for i in range(count):
        context.budget.step()
        yield evaluator.with_copy_index(name, i), None


def _resolve_resource(
    resource: Mapping[str, Any],
    evaluator: Evaluator,
    deploy_scope: Scope,
    pointer: str,
    context: _Context,
    inherited: _Inherited,
    depth: int,
    parent: tuple[str, Any] | None,
) -> None:
    resource_type = str(resource.get("type", ""))
    # A child resource's type and name are relative to its parent's unless the type is a
    # full one (it starts with a namespace, "Microsoft.Network/...").
    relative = parent is not None and "." not in resource_type.split("/")[0]
    if parent is not None and relative:
        resource_type = f"{parent[0]}/{resource_type}"
    is_deployment = resource_type.lower() == DEPLOYMENTS_TYPE
    for instance, copy_unresolved in _copy_instances(evaluator, resource, pointer, context):
        condition = _value(instance, resource, "condition") if _has(resource, "condition") else True
        if condition is False:
            continue
        if condition is True and inherited.condition is not True:
            condition = inherited.condition
        if len(context.resources) >= MAX_RESOURCES:
            raise LimitError(
                f"more than {MAX_RESOURCES} resources after copy loops and nested deployments "
                "(asr-guard's bound; ARM takes 800 per deployment)"
            )
        name = _value(instance, resource, "name")
        if not isinstance(name, str | Unresolved):
            name = Unresolved(f"the resource name is a {type(name).__name__}, not a string")
        if parent is not None and relative:
            if isinstance(parent[1], Unresolved):
                name = Unresolved(f"the parent's name: {parent[1].reason}")
            elif isinstance(name, str):
                name = f"{parent[1]}/{name}"
        target = _target_scope(resource, instance, deploy_scope)
        resolved: dict[str, Any] = {
            "type": resource_type,
            "name": name,
            "apiVersion": resource.get("apiVersion"),
            "properties": _properties(resource, instance, is_deployment),
            "asr_guard_source": pointer,
        }
        if resource.get("existing") is True:
            resolved["existing"] = True
        if condition is not True:
            resolved["condition"] = condition
        resolved["id"] = _resource_id(instance, target, resource, resource_type, name)
        if inherited.deployment:
            resolved["deployment"] = inherited.deployment
        copy_reason = copy_unresolved or inherited.copy_unresolved
        if copy_reason:
            resolved["asr_guard_copy_unresolved"] = copy_reason
        nested: tuple[Mapping[str, Any], Evaluator, Scope, str] | None = None
        if is_deployment:
            nested = _nested(resource, resolved, instance, target, pointer, context, depth)
        finished = _finish(resolved, pointer, context)
        # Property names in the spelling the policies read (ARM ignores their case).
        finished["properties"] = canonical_names(finished["properties"], f"{pointer}/properties")
        context.resources.append(finished)
        if nested is not None:
            inner_template, inner, inner_scope, inner_pointer = nested
            name_text = name if isinstance(name, str) else "?"
            _resolve(
                inner_template,
                inner,
                inner_scope,
                inner_pointer,
                context,
                _Inherited(
                    f"{inherited.deployment}/{name_text}" if inherited.deployment else name_text,
                    condition,
                    copy_reason,
                ),
                depth + 1,
            )
        children = _get(resource, "resources")
        for child_pointer, child in _resource_entries(children, f"{pointer}/resources"):
            try:
                _resolve_resource(
                    child,
                    instance,
                    deploy_scope,
                    child_pointer,
                    context,
                    _Inherited(inherited.deployment, condition, copy_reason),
                    depth,
                    (resource_type, name),
                )
            except LimitError as exc:
                exc.anchor(child_pointer)
                raise


def _value(evaluator: Evaluator, resource: Mapping[str, Any], key: str) -> Any:
    """A top-level value of a resource definition, evaluated."""
    try:
        return evaluator.value(_get(resource, key) if key != "name" else resource.get("name", ""))
    except LimitError as exc:
        exc.inside(key)
        raise


def _properties(resource: Mapping[str, Any], evaluator: Evaluator, is_deployment: bool) -> Any:
    """A deployment's inline template is resolved on its own, in its own scope."""
    properties = resource.get("properties", {})
    if is_deployment and isinstance(properties, dict):
        properties = {k: v for k, v in properties.items() if k.lower() != "template"}
    try:
        return evaluator.value(properties)
    except LimitError as exc:
        exc.inside("properties")
        raise


def _target_scope(resource: Mapping[str, Any], evaluator: Evaluator, scope: Scope) -> Scope:
    """Where a resource is: a nested deployment's or existing resource's own subscriptionId,
    resourceGroup or scope, else the template's."""
    keys = ("subscriptionId", "resourceGroup", "scope")
    if not any(key in resource for key in keys):
        return scope
    subscription = evaluator.value(resource.get("subscriptionId"))
    group = evaluator.value(resource.get("resourceGroup"))
    target = resource.get("scope")
    if target is not None and str(resource.get("type", "")).lower() != DEPLOYMENTS_TYPE:
        return scope  # an extension resource: its id starts from its scope (_resource_id)
    return scope.nested(subscription, group, evaluator.value(target) if target else None)


def _resource_id(
    evaluator: Evaluator,
    scope: Scope,
    resource: Mapping[str, Any],
    resource_type: str,
    name: Any,
) -> Any:
    if isinstance(name, Unresolved):
        return Unresolved(f"the resource name: {name.reason}")
    if not isinstance(name, str):
        return Unresolved("the resource name is not a string")
    try:
        extension = resource.get("scope")
        if extension is not None and resource_type.lower() != DEPLOYMENTS_TYPE:
            # An extension resource (a lock, a role assignment, diagnostic settings): its
            # id starts with the id of what it extends, or a path relative to the
            # resource group (Bicep writes "Microsoft.Compute/virtualMachines/vm-1").
            base = evaluator.value(extension)
            if isinstance(base, Unresolved):
                return base
            base = str(base)
            if not base.startswith("/"):
                prefix = scope.prefix()
                if isinstance(prefix, Unresolved):
                    return prefix
                base = f"{prefix}/providers/{base}"
            return f"{base.rstrip('/')}/" + provider_path(resource_type, name.split("/"))
        return scope.deployed_id(resource_type, name.split("/"))
    except ExpressionError as exc:
        return Unresolved(str(exc))


def _nested(
    resource: Mapping[str, Any],
    resolved: dict[str, Any],
    outer: Evaluator,
    target: Scope,
    pointer: str,
    context: _Context,
    depth: int,
) -> tuple[Mapping[str, Any], Evaluator, Scope, str] | None:
    """The template of a nested deployment, with the evaluator and scope it deploys with;
    None (and the deployment marked) when it cannot be read."""
    properties = resource.get("properties")
    if not isinstance(properties, dict):
        properties = {}
    template_pointer = f"{pointer}/properties/template"
    template = _get(properties, "template")
    reason = None
    if isinstance(template, str):
        template = outer.value(template)
        if isinstance(template, Unresolved):
            reason = f"the template: {template.reason}"
    if reason is None and not isinstance(template, dict):
        if _has(properties, "templateLink"):
            reason = "a linked template (templateLink) is not read"
            template_pointer = f"{pointer}/properties/templateLink"
        else:
            reason = "the deployment has no template"
    if reason is None and depth + 1 > MAX_NESTING:
        reason = f"nested deployments deeper than {MAX_NESTING} levels are not read"
    if reason is not None or not isinstance(template, dict):
        resolved["asr_guard_template_unresolved"] = reason
        context.unresolved.append({"pointer": template_pointer, "reason": str(reason)})
        return None
    options = _get(properties, "expressionEvaluationOptions")
    scope_option = _get(options, "scope") if isinstance(options, dict) else None
    inner_scope = target
    if str(scope_option or "outer").lower() == "inner":
        given = _inner_parameters(properties, outer)
        inner = _evaluator(template, given, inner_scope, context.budget, template_pointer)
    else:
        # Outer scope: the nested template's expressions are the parent's: its parameters,
        # variables, resourceGroup() and subscription(); only where it deploys changes.
        inner = outer
    return template, inner, inner_scope, template_pointer


def _inner_parameters(properties: Mapping[str, Any], outer: Evaluator) -> dict[str, Any]:
    given: dict[str, Any] = {}
    raw = _get(properties, "parameters")
    if isinstance(raw, str):  # an expression that makes the whole parameters object
        raw = outer.value(raw)
        if isinstance(raw, Unresolved):
            return {}
    link = _get(properties, "parametersLink")
    for key, entry in (raw or {}).items() if isinstance(raw, dict) else ():
        # An entry is {"value": ...}, a Key Vault reference, or an expression making one.
        value = outer.value(entry)
        if isinstance(value, dict) and "value" in value:
            given[key] = value["value"]
        elif isinstance(value, Unresolved):
            given[key] = value
        else:
            given[key] = Unresolved(f"parameter '{key}' comes from a Key Vault reference")
    if link is not None:
        # Every parameter not given inline comes from the linked file, which is not read.
        return _LinkedParameters(given)
    return given


class _LinkedParameters(dict[str, Any]):
    """Inline parameter values, and every other parameter from a parametersLink (unread)."""

    def __missing__(self, key: str) -> Any:
        return Unresolved(f"parameter '{key}' comes from a linked parameters file")


def _finish(resource: dict[str, Any], pointer: str, context: _Context) -> dict[str, Any]:
    """The resource as JSON: unresolved values as marked strings, each listed by pointer;
    its size (values shared by reference counted as written out) within the budget.

    A first walk only reads (and counts); the resource is copied only when it holds an
    unresolved value, since parts of it may be shared with a parameter or variable."""
    stack: list[Any] = [resource]
    seen = 0
    clean = True
    while stack:
        value = stack.pop()
        seen += 1
        kind = type(value)
        if kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif kind not in _JSON_SCALARS and value is not None:
            clean = False
        if seen > _NODES_PER_RESOURCE:
            raise _too_large(seen)
    context.budget.spend(8 * seen)
    return resource if clean else _plain(resource, pointer, context)


_JSON_SCALARS = frozenset({str, int, float, bool})


def _plain(resource: dict[str, Any], pointer: str, context: _Context) -> dict[str, Any]:
    """A copy of the resource with each unresolved value a marked string, listed."""
    path: list[str] = []

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                path.append(key)
                result[key] = plain(item)
                path.pop()
            return result
        if isinstance(value, list):
            items = []
            for i, item in enumerate(value):
                path.append(str(i))
                items.append(plain(item))
                path.pop()
            return items
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        reason = (
            value.reason
            if isinstance(value, Unresolved)
            else f"a {type(value).__name__} is not a JSON value"
        )
        where = "".join(f"/{_escape(part)}" for part in path)
        context.unresolved.append({"pointer": pointer + where, "reason": reason})
        return f"<unresolved: {reason}>"

    finished: dict[str, Any] = plain(resource)
    return finished


# A resource definition may have 1 MB after expansion (Template limits): far fewer values.
_NODES_PER_RESOURCE = 1024 * 1024


def _too_large(seen: int) -> LimitError:
    return LimitError(
        f"a resource definition of more than {seen} values after expansion, over the 1 MB "
        "ARM takes for one (https://learn.microsoft.com/azure/azure-resource-manager/"
        "templates/best-practices#template-limits)"
    )


def _given_scope(scope: Scope) -> dict[str, str | None]:
    subscription = scope.subscription_id
    group = scope.resource_group
    return {
        "subscription_id": None if subscription == SUBSCRIPTION_PLACEHOLDER else str(subscription),
        "resource_group": None if group == RESOURCE_GROUP_PLACEHOLDER else str(group),
    }


@contextlib.contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def resolve_template(
    template: Mapping[str, Any],
    parameters: Mapping[str, Any] | None = None,
    scope: Scope | None = None,
    parameters_file: str | None = None,
) -> dict[str, Any]:
    """The resolved template the policies read (see the module docstring).

    Raises LimitError past a bound, RecursionError for a value nested beyond what Python
    reads (the input reader refuses both).
    """
    scope = scope or Scope()
    deploy_scope = scope.copy(level(template))
    context = _Context(Budget(), parameters_file)
    with _recursion_limit(RECURSION_LIMIT):
        evaluator = _evaluator(template, parameters or {}, deploy_scope, context.budget, "")
        _resolve(template, evaluator, deploy_scope, "", context, _Inherited(), 0)
    resolved: dict[str, Any] = {
        "$schema": template.get("$schema"),
        "contentVersion": template.get("contentVersion"),
    }
    if "languageVersion" in template:
        resolved["languageVersion"] = template["languageVersion"]
    resolved["resources"] = context.resources
    resolved["asr_guard"] = {
        "resolved": True,
        "unresolved": context.unresolved,
        "scope": _given_scope(scope),
        "parameters_files": [parameters_file] if parameters_file else [],
    }
    return resolved
