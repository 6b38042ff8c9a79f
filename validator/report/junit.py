"""`--format junit`: JUnit XML, one test case per input and rule that can apply to it.

Restore requests are read by their own rules, plans, templates and what-if results by the
change rules (the matrix's `applies_to`, validator.report.applicability): a rule that
cannot apply to an input's kind is not a test of it. Values the policies could not decide
are skipped test cases, as are the rules left out of the run (--rule, --skip-rule), and an
input whose replication is known only from the input (no inventory) has a skipped
"inventory" case saying so. Text XML 1.0 forbids is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from validator.findings import Rule
from validator.report.applicability import scenarios
from validator.report.escape import xml, xml_text
from validator.report.paths import ReportOptions
from validator.report.wording import NO_INVENTORY, no_inventory_note
from validator.result import InputResult, RunResult


def applicable(rules: tuple[Rule, ...], kind: str) -> list[Rule]:
    named = scenarios(kind)
    return list(rules) if named is None else [rule for rule in rules if rule.scenario in named]


def _suite(
    suites: ET.Element, item: InputResult, result: RunResult, options: ReportOptions
) -> None:
    name = xml(options.name(item.path))
    suite = ET.SubElement(suites, "testsuite", name=name)
    failures = skipped = 0
    rules = applicable(result.rules, item.kind)
    undecided = result.undecided_rules
    left_out = set(result.skipped_rules)
    for rule in rules:
        case = ET.SubElement(
            suite, "testcase", name=xml(f"{rule.rule_id} {rule.title}"), classname=name
        )
        if rule.rule_id in left_out:  # not checked: never shown as passed
            skipped += 1
            ET.SubElement(case, "skipped", message="rule not checked (--rule/--skip-rule)")
            continue
        mine = [finding for finding in item.findings if finding.rule_id == rule.rule_id]
        failing = [finding for finding in mine if result.fails(finding)]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                message=xml(f"{len(failing)} finding(s): {failing[0].message}"),
                type=rule.severity,
            )
            failure.text = xml(
                "\n".join(
                    f"{finding.resource}: {finding.message}\nworkaround: {finding.workaround}"
                    for finding in failing
                )
            )
        elif rule.rule_id in undecided and any(not finding.waived for finding in mine):
            skipped += 1
            skip = ET.SubElement(
                case, "skipped", message=xml(f"{len(mine)} value(s) could not be decided")
            )
            skip.text = xml("\n".join(f"{f.resource}: {f.message}" for f in mine))
        others = [finding for finding in mine if not result.fails(finding)]
        if others and not (rule.rule_id in undecided and not failing):
            out = ET.SubElement(case, "system-out")
            out.text = xml(
                "\n".join(
                    f"{finding.severity}: {finding.resource}: {finding.message}"
                    for finding in others
                )
            )
    tests = len(rules)
    if result.known_only_from_input(item):
        tests += 1
        skipped += 1
        case = ET.SubElement(suite, "testcase", name="inventory", classname=name)
        ET.SubElement(case, "skipped", message=NO_INVENTORY).text = xml(
            no_inventory_note(options.name(item.path))
        )
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))


def render(result: RunResult, options: ReportOptions) -> str:
    suites = ET.Element("testsuites", name="asr-guard")
    for item in result.inputs:
        _suite(suites, item, result, options)
    ET.indent(suites)
    return xml_text(ET.tostring(suites, encoding="unicode", xml_declaration=True)) + "\n"
