#!/usr/bin/env bash
# One-time (and idempotent) set-up: a project virtualenv with safetykg and its extras.
# Used by `make run` and `make test`; safe to re-run, it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dashboard}"
python="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
stamp=".venv/.installed-$extras-$(sha1sum pyproject.toml | cut -c1-12)"
if [[ ! -f "$stamp" ]]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[$extras]"
    touch "$stamp"
fi
