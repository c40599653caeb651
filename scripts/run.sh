#!/usr/bin/env bash
# The main job on the embedded default: build the graph from data/, derive recurrence
# links and analytics, print the counts, then serve the dashboard on 127.0.0.1.
# SAFETYKG_NO_DASHBOARD=1 stops after the counts (what CI and scripts want).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dashboard
kg=.venv/bin/safetykg
"$kg" load data/
"$kg" analyze --format md --out .safetykg/recurrence-report.md >/dev/null
"$kg" stats
echo "复发关联报告 / recurrence report: .safetykg/recurrence-report.md"
if [[ "${SAFETYKG_NO_DASHBOARD:-0}" != "1" ]]; then
    exec "$kg" dashboard --port "${SAFETYKG_PORT:-8501}"
fi
