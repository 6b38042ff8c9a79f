"""ARM template functions where ARM's documented semantics differ from the obvious Python
(each case cites the reference page's rule), and what stays unresolved rather than guessed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_arm_oracle import same
from validator.arm_expressions import Evaluator, Scope, Unresolved

FUNCTIONS = "https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions"


def evaluate(text: str, **parameters: Any) -> Any:
    return Evaluator(parameters, {}, Scope("/subscriptions/s1/resourceGroups/rg1")).expression(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # -logical#bool: "0 converts to false, any other int to true"
        ("bool(1)", True),
        ("bool(0)", False),
        ("bool(-3)", True),
        ("bool('TRUE')", True),
        # -string#contains: string comparison is case-sensitive; object keys are not
        ("contains('Restore', 'restore')", False),
        ("contains(createArray('Restore'), 'restore')", False),
        ("contains(createObject('Restore', 1), 'restore')", True),
        ("contains(createArray(1), true())", False),
        # -array#take / #skip: a count of 0 or less takes nothing / skips nothing
        ("take(createArray('a', 'b'), -1)", []),
        ("skip(createArray('a', 'b'), -1)", ["a", "b"]),
        ("take('abc', 5)", "abc"),
        ("skip('abc', 5)", ""),
        # -numeric#div / #mod: integer division truncates toward zero
        ("div(-7, 2)", -3),
        ("mod(-7, 2)", -1),
        ("mod(7, -2)", 1),
        # -comparison#equals: typed values; strings ignore case (the reference's example)
        ("equals(1, true())", False),
        ("equals('demo', 'Demo')", True),
        ("equals(createArray(1, 'a'), createArray(1, 'A'))", True),
        ("equals(json('1.0'), 1)", True),
        # -object#union: nested objects merged, nested arrays replaced
        (
            'union(json(\'{"a": {"x": 1, "l": [1]}}\'), json(\'{"a": {"y": 2, "l": [2]}}\'))',
            {"a": {"x": 1, "l": [2], "y": 2}},
        ),
        ("union(createArray(1, 2), createArray(2, 3))", [1, 2, 3]),
        # -array#indexof: case-sensitive on arrays; -string#indexof: case-insensitive
        ("indexOf(createArray('a', 'B'), 'b')", -1),
        ("indexOf(createArray('a', 'B', 'B'), 'B')", 1),
        ("lastIndexOf(createArray('a', 'B', 'B'), 'B')", 2),
        ("indexOf('abcABC', 'B')", 1),
        ("lastIndexOf('abcABC', 'B')", 4),
        # -string#uri
        ("uri('http://contoso.org/firstpath', 'myscript.sh')", "http://contoso.org/myscript.sh"),
        (
            "uri('http://contoso.org/firstpath/', '/myscript.sh')",
            "http://contoso.org/firstpath/myscript.sh",
        ),
        # -comparison#greater: strings in culture order ('a' < 'A' < 'b')
        ("greater('A', 'a')", True),
        ("less('a', 'B')", True),
        ("greaterOrEquals(2, 2)", True),
        # -array#intersection, -object#items (sorted by key)
        ("intersection(createArray(1, 2, 3), createArray(3, 2))", [2, 3]),
        (
            "items(createObject('b', 1, 'a', 2))",
            [{"key": "a", "value": 2}, {"key": "b", "value": 1}],
        ),
        # -string#format: .NET composite formatting
        ("format('{0:N0}', 8175133)", "8,175,133"),
        ("format('{0:N2}', 1234)", "1,234.00"),
        ("format('{0:D3}', 7)", "007"),
        ("format('{0:000}', 7)", "007"),
        ("format('{0:X}', 255)", "FF"),
        ("format('{{0}} {0,4}|{1,-3}|', 1, 'a')", "{0}    1|a  |"),
        ("format('{0}', true())", "True"),
        # -lambda
        ("map(range(1, 3), lambda('x', mul(lambdaVariables('x'), 2)))", [2, 4, 6]),
        (
            "map(createArray('a', 'b'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))",
            ["a0", "b1"],
        ),
        ("filter(range(0, 5), lambda('x', equals(mod(lambdaVariables('x'), 2), 0)))", [0, 2, 4]),
        (
            "reduce(range(1, 4), 0, lambda('a', 'b', add(lambdaVariables('a'), lambdaVariables('b'))))",
            10,
        ),
        (
            "sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))",
            [1, 2, 3],
        ),
        (
            "toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')), lambda('x', 1))",
            {"a": 1, "b": 1},
        ),
        (
            "groupBy(createArray('ab', 'ac', 'b'), lambda('x', first(lambdaVariables('x'))))",
            {"a": ["ab", "ac"], "b": ["b"]},
        ),
        ("mapValues(createObject('a', 1), lambda('v', add(lambdaVariables('v'), 1)))", {"a": 2}),
        # what Bicep emits
        ("base64ToString('UmVzdG9yZQ==')", "Restore"),
        ("objectKeys(createObject('a', 1, 'b', 2))", ["a", "b"]),
        (
            "shallowMerge(createArray(createObject('a', createObject('x', 1)), createObject('a', createObject('y', 2))))",
            {"a": {"y": 2}},
        ),
        ("tryGet(createObject('a', createObject('b', 1)), 'a', 'b')", 1),
        ("tryGet(createObject('a', 1), 'missing')", None),
        ("join(createArray('a', 'b'), ',')", "a,b"),
        ("flatten(createArray(createArray(1), createArray(2, 3)))", [1, 2, 3]),
        ("indexFromEnd(createArray(1, 2, 3), 1)", 3),
        ("tryIndexFromEnd(createArray(1), 5)", None),
        ("coalesce(null(), null(), 'x')", "x"),
        ("string(createObject('a', true()))", '{"a":true}'),
        ("json('{''a'': ''b''}')", {"a": "b"}),
        ("cidrSubnet('10.144.0.0/20', 24, 2)", "10.144.2.0/24"),
        ("cidrHost('10.144.3.0/24', 0)", "10.144.3.1"),
        # and() / or() are known when one argument decides them
        ("and(false(), parameters('unknown'))", False),
        ("or(true(), parameters('unknown'))", True),
    ],
)
def test_documented_semantics(text: str, expected: Any) -> None:
    value = evaluate(text, unknown=Unresolved("parameter 'unknown' has no value"))
    assert same(value, expected), f"{text}: {value!r} ({FUNCTIONS})"


@pytest.mark.parametrize(
    "text",
    [
        "add(9223372036854775807, 1)",  # 64-bit integers
        "div(1, 0)",
        "substring('abc', 2, 5)",
        "first(createArray())",
        "greater('a-b', 'a_b')",  # culture order of punctuation: not computed
        "format('{0:P}', 1)",  # formats asr-guard does not compute
        "uri('http://contoso.org/a/', '../b')",
        "string(null())",
        "uniqueString('a')",
        "guid('a')",
        "utcNow()",
        "newFunction(1)",
        "and(true(), parameters('unknown'))",
        "equals(createArray(parameters('unknown')), createArray(1))",
        "union(createArray(parameters('unknown')), createArray(1))",
        "__bicep.missing(1)",
    ],
)
def test_unresolved_not_guessed(text: str) -> None:
    evaluator = Evaluator(
        {"unknown": Unresolved("parameter 'unknown' has no value")},
        {},
        Scope("/subscriptions/s1/resourceGroups/rg1"),
    )
    assert isinstance(evaluator.value(f"[{text}]"), Unresolved)


def test_functions_that_move_values_keep_the_known_ones() -> None:
    value = evaluate(
        "concat(createArray(parameters('unknown')), createArray('a'))",
        unknown=Unresolved("parameter 'unknown' has no value"),
    )
    assert value[1] == "a" and isinstance(value[0], Unresolved)
    value = evaluate("createObject('a', parameters('unknown'), 'b', 1)", unknown=Unresolved("u"))
    assert value["b"] == 1 and isinstance(value["a"], Unresolved)
