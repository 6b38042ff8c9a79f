"""Remediations of denials: what the policies chose (rules/remediation.rego), rendered.

The policies decide the strategy, its steps, the model of its effect and what they must say
once it is applied; this package only renders: Terraform patches (`terraform`), runbooks in
bash and PowerShell (`runbook`), the plan-level model of a Terraform fix (`plan_model`),
step text for the reports (`render`), and `asr-guard fix` with its re-check (`fix`).
"""
