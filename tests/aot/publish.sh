#!/usr/bin/env bash
# Publishes mcp-oauth with Native AOT to artifacts/aot/mcp-oauth with trim and AOT warnings as errors (the library claims
# IsAotCompatible; this proves it for everything the CLI reaches), then smoke-tests the binary: help, a usage error, status
# of an empty store, token without a login, token and status with a valid stored login. Exit codes and standard output are
# checked exactly. Installs its prerequisites first (tests/aot/install.sh). About 2 minutes on 2 cores, most of it ILC.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tests/aot/store-fixture.sh

bash tests/aot/install.sh

out="$PWD/artifacts/aot"
log="$(mktemp)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$log"' EXIT

echo "== Native AOT publish of mcp-oauth (warnings are errors)"
dotnet publish src/McpOAuth.Cli/McpOAuth.Cli.csproj -c Release --use-current-runtime -o "$out" -nologo \
    -p:TreatWarningsAsErrors=true -p:IlcTreatWarningsAsErrors=true 2>&1 | tee "$log"
if grep -qE ': warning [A-Z]+[0-9]+' "$log"; then
    echo "tests/aot/publish.sh: the AOT publish reported warnings (above); there must be none." >&2
    exit 1
fi

bin="$out/mcp-oauth"
failures=0
# check NAME EXPECTED_EXIT EXPECTED_STDOUT_REGEX -- ARGS...: runs the binary, compares its exit code and standard output.
check() {
    local name="$1" want_code="$2" want_out="$3" code=0 stdout
    shift 4
    stdout="$("$bin" "$@" 2>"$work/stderr")" || code=$?
    if [ "$code" -ne "$want_code" ] || ! [[ "$stdout" =~ $want_out ]]; then
        echo "FAIL $name: exit $code (wanted $want_code), stdout: '$stdout', stderr: '$(cat "$work/stderr")'" >&2
        failures=$((failures + 1))
    else
        echo "ok   $name (exit $code)"
    fi
}

echo "== smoke test of $bin"
write_stored_login "$work/store"
check "--help" 0 'Usage:.*mcp-oauth \[command\] \[options\].*Exit codes:' -- --help
check "usage error" 2 '^$' -- frobnicate
check "status, empty store" 0 "^No stored logins in $work/empty\.\$" -- status --store-dir "$work/empty"
check "token, no login" 3 '^$' -- token "$FIXTURE_RESOURCE" --store-dir "$work/empty"
check "token, valid stored login" 0 "^${FIXTURE_TOKEN}\$" -- token "$FIXTURE_RESOURCE" --store-dir "$work/store"
check "status, one login" 0 "^${FIXTURE_RESOURCE}.*client: ${FIXTURE_CLIENT}" -- status --store-dir "$work/store"
check "status --json" 0 "\"client_id\": \"${FIXTURE_CLIENT}\"" -- status --json --store-dir "$work/store"

if [ "$failures" -gt 0 ]; then
    echo "tests/aot/publish.sh: $failures smoke check(s) failed." >&2
    exit 1
fi
echo "7 passed, 0 failed"
