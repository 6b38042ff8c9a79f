#!/usr/bin/env bash
# Kept for recipes written against earlier versions: everything now ships in the package as
# `asr-guard ci` (validator/ci.py), configured by the same ASR_GUARD_* environment variables.
exec asr-guard ci "$@"
