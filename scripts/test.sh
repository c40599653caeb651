#!/usr/bin/env bash
# The whole test suite on both engines. Installs what it needs: the Python dev extras,
# Debian's Chromium for the browser tests (when root and missing), and Neo4j 5.26
# from Maven Central jars (tests/conftest.py starts it when Java and Maven are present).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
# fonts-wqy-microhei: without a CJK font Chromium draws Chinese as boxes in screenshots.
if { [[ ! -x /usr/bin/chromium ]] || ! fc-list 2>/dev/null | grep -qi wqy; } \
        && [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
        || echo "warning: could not install chromium; browser tests will skip unless REQUIRE_BROWSER=1" >&2
fi
.venv/bin/ruff check safetykg tests bench
.venv/bin/mypy safetykg
export PATH="$PWD/.venv/bin:$PATH"  # subprocesses in the tests find this checkout's safetykg
# The Neo4j jars once, before two test workers would each fetch them (tests/conftest.py starts the servers).
if command -v java >/dev/null && command -v mvn >/dev/null; then
    tools/neo4j/neo4jctl fetch >/dev/null || echo "warning: neo4jctl fetch failed; Neo4j tests will say why" >&2
fi
status=0
# the built wheel in fresh virtualenvs, from the repository root and elsewhere (with and without extras):
# mostly waiting on installs, so it runs beside the tests and its log is printed after them
install_log="$(mktemp)"
scripts/check-install.sh >"$install_log" 2>&1 &
install_pid=$!
# two workers (PYTEST_WORKERS), one test file at a time each: servers and browsers wait a lot
.venv/bin/python -m pytest -ra -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@" || status=$?
# the benchmark at 10k accidents on the embedded engine as a smoke run: numbers printed, nothing asserted
# (the full three sizes on both engines run from bench/, see docs/scale.md)
.venv/bin/python bench/benchmark.py --smoke --no-neo4j || status=$?
wait "$install_pid" || status=$?
cat "$install_log"; rm -f "$install_log"
exit "$status"
