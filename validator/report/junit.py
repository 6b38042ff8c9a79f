"""`--format junit`: JUnit XML, one test case per input and rule."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from validator.result import RunResult


def render(result: RunResult, color: bool = False) -> str:
    suites = ET.Element("testsuites", name="asr-guard")
    for item in result.inputs:
        suite = ET.SubElement(suites, "testsuite", name=item.path)
        failures = 0
        for rule in result.rules:
            case = ET.SubElement(
                suite, "testcase", name=f"{rule.rule_id} {rule.title}", classname=item.path
            )
            mine = [finding for finding in item.findings if finding.rule_id == rule.rule_id]
            failing = [finding for finding in mine if result.fails(finding)]
            if failing:
                failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{len(failing)} finding(s): {failing[0].message}",
                    type=rule.severity,
                )
                failure.text = "\n".join(
                    f"{finding.resource}: {finding.message}\nworkaround: {finding.workaround}"
                    for finding in failing
                )
            others = [finding for finding in mine if not result.fails(finding)]
            if others:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(
                    f"{finding.severity}: {finding.resource}: {finding.message}"
                    for finding in others
                )
        suite.set("tests", str(len(result.rules)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
