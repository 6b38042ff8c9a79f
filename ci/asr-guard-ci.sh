#!/usr/bin/env bash
# Runs asr-guard in CI: converts a binary Terraform plan if given, writes SARIF, JUnit and a
# Markdown summary, prints the CI system's own annotations, and exits with asr-guard's code
# (0 pass, 1 denial, 2 could not evaluate), so that the job fails on denials.
#
# Environment (all optional but ASR_GUARD_PATHS or ASR_GUARD_TF_PLAN):
#   ASR_GUARD_PATHS       files or directories to check, space-separated (default: the converted plan)
#   ASR_GUARD_TF_PLAN     a binary plan (terraform plan -out) to convert with terraform show -json
#   ASR_GUARD_INVENTORY   replication inventory file(s), space-separated
#   ASR_GUARD_WAIVERS     waivers file(s), space-separated
#   ASR_GUARD_ARGS        more arguments for asr-guard check
#   ASR_GUARD_OUT         directory for the reports (default: asr-guard-results)
#   ASR_GUARD_CI          github or azure (default: from GITHUB_ACTIONS / TF_BUILD)
set -uo pipefail

out="${ASR_GUARD_OUT:-asr-guard-results}"
mkdir -p "$out"
paths=${ASR_GUARD_PATHS:-}
if [ -n "${ASR_GUARD_TF_PLAN:-}" ]; then
  terraform show -json "$ASR_GUARD_TF_PLAN" > "$out/plan.json" || {
    echo "asr-guard: error: terraform show -json $ASR_GUARD_TF_PLAN failed" >&2
    exit 2
  }
  paths="${paths:+$paths }$out/plan.json"
fi
if [ -z "$paths" ]; then
  echo "asr-guard: error: set ASR_GUARD_PATHS or ASR_GUARD_TF_PLAN" >&2
  exit 2
fi

ci="${ASR_GUARD_CI:-}"
if [ -z "$ci" ]; then
  if [ -n "${GITHUB_ACTIONS:-}" ]; then ci=github; elif [ -n "${TF_BUILD:-}" ]; then ci=azure; else ci=text; fi
fi

args=()
for file in ${ASR_GUARD_INVENTORY:-}; do args+=(--inventory "$file"); done
for file in ${ASR_GUARD_WAIVERS:-}; do args+=(--waivers "$file"); done
# shellcheck disable=SC2206  # word splitting of the extra arguments is wanted
args+=(${ASR_GUARD_ARGS:-})

# shellcheck disable=SC2086  # paths are space-separated
asr-guard check $paths "${args[@]}" \
  --format sarif --output "$out/asr-guard.sarif" \
  --format junit --output "$out/asr-guard.junit.xml" \
  --format markdown --output "$out/asr-guard.md" \
  --format "$ci"
status=$?

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/asr-guard.md" ]; then
  cat "$out/asr-guard.md" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif=$out/asr-guard.sarif" >> "$GITHUB_OUTPUT"
  echo "exit-code=$status" >> "$GITHUB_OUTPUT"
fi
exit "$status"
