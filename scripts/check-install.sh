#!/usr/bin/env bash
# The wheel as a new user gets it: build it, install it into fresh virtualenvs (not editable) and use
# it from the repository root and from another directory.
#   1. with [dashboard]: load data/, run an audit, serve the dashboard until /_stcore/health answers;
#   2. without extras: `safetykg dashboard` exits 2 with the pip install line and no traceback.
# Also checks the wheel carries the data files the package reads at run time.
# The wheel is built from a clean copy of the working tree (a stale build/ cannot leak into it); the
# virtualenvs are filled by uv from its cache, so after the first run they take seconds.
# Called by scripts/test.sh (so by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
python="$(.venv/bin/python -c 'import sys; print(sys._base_executable)')"
work="$(mktemp -d "${TMPDIR:-/tmp}/safetykg-install.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
began=$SECONDS
say() { echo "check-install: $* ($((SECONDS - began)) s)" >&2; }
die() { echo "check-install: FAILED: $*" >&2; exit 1; }

# ---------------------------------------------------------------- build and inspect the wheel
mkdir -p "$work/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$work/src" -xf -
.venv/bin/python -m pip wheel --quiet --no-deps --no-build-isolation -w "$work/dist" "$work/src" >/dev/null
wheel="$(ls "$work"/dist/safetykg-*.whl)"
listing="$(.venv/bin/python -m zipfile -l "$wheel")"
for needed in safetykg/graph/schema.yaml safetykg/graph/counts.yaml safetykg/queries/columns.yaml \
        safetykg/queries/repeat-incidents.cypher safetykg/dashboard/app.py safetykg/cli/main.py; do
    grep -q "$needed" <<<"$listing" || die "$needed is not in $(basename "$wheel")"
done
cyphers_repo="$(ls safetykg/queries/*.cypher | wc -l)"
cyphers_wheel="$(grep -c 'safetykg/queries/.*\.cypher' <<<"$listing")"
[[ "$cyphers_repo" == "$cyphers_wheel" ]] || die "wheel has $cyphers_wheel .cypher files, the repository $cyphers_repo"
say "built $(basename "$wheel")"

# ---------------------------------------------------------------- fresh venv with [dashboard]
fresh_venv() {  # $1: directory, $2: requirement
    if [[ -x .venv/bin/uv ]]; then
        .venv/bin/uv venv --quiet --python "$python" "$1"
        .venv/bin/uv pip install --quiet --python "$1/bin/python" "$2"
    else
        "$python" -m venv "$1"
        "$1/bin/python" -m pip install --quiet --disable-pip-version-check "$2"
    fi
}
fresh_venv "$work/full" "$wheel[dashboard]"
say "installed with [dashboard]"
cli="$work/full/bin/safetykg"
elsewhere="$work/elsewhere"
mkdir -p "$elsewhere"
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

use_it() {  # $1: directory to run from, $2: data path as given from there
    local where="$1" data="$2" graph="$work/graph-$(basename "$1")" port log
    (cd "$where" && "$cli" --data-dir "$graph" load "$data") || die "load from $where"
    (cd "$where" && "$cli" --data-dir "$graph" audit run repeat-incidents -f json >"$work/audit.json") \
        || die "audit run from $where"
    grep -q "ACC-2020-0415-songyuan" "$work/audit.json" || die "repeat-incidents from $where lacks the 松原 pair"
    port="$(free_port)"
    log="$work/dashboard-$(basename "$where").log"
    (cd "$where" && exec "$cli" --data-dir "$graph" dashboard --port "$port") >"$log" 2>&1 &
    server_pid=$!
    local deadline=$((SECONDS + 180))
    until curl -fsS "http://127.0.0.1:$port/_stcore/health" 2>/dev/null | grep -q ok; do
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "dashboard from $where exited"; }
        (( SECONDS < deadline )) || { cat "$log" >&2; die "dashboard from $where: no health answer in 180 s"; }
        sleep 1
    done
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
    say "from $where: load, audit run, dashboard health ok"
}
use_it "$repo" data/
use_it "$elsewhere" "$repo/data"

# ---------------------------------------------------------------- fresh venv without extras
fresh_venv "$work/bare" "$wheel"
for where in "$repo" "$elsewhere"; do
    status=0
    (cd "$where" && "$work/bare/bin/safetykg" --data-dir "$work/graph-elsewhere" dashboard --port "$(free_port)") \
        >"$work/bare.out" 2>"$work/bare.err" || status=$?
    [[ "$status" == 2 ]] || { cat "$work/bare.err" >&2; die "without extras, dashboard from $where exited $status, not 2"; }
    grep -qF 'pip install "safetykg[dashboard]"' "$work/bare.err" || die "without extras: no install line"
    if grep -q Traceback "$work/bare.err"; then die "without extras: a traceback"; fi
done
say "without extras: dashboard exits 2 with the install line"
say "all install checks passed"
