#!/usr/bin/env bash
# Start-up benchmark of mcp-oauth (not a test; docs/benchmarks.md, "mcp-oauth start-up"): whole-process wall time of
# `token URL` answered from a valid stored login and of `status`, for the Native AOT binary (tests/aot/publish.sh) and the
# framework-dependent tool run as `dotnet mcp-oauth.dll`. Each command runs RUNS times (default 30) after 3 warm-ups, the
# AOT and JIT runs alternating; prints the median, minimum and maximum wall time per run, and the mean CPU time
# (user + system, from the shell's `times`). Pure bash 5; no network (the store's login needs none).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tests/aot/store-fixture.sh

runs="${RUNS:-30}"
aot="$PWD/artifacts/aot/mcp-oauth"
dll="$PWD/src/McpOAuth.Cli/bin/Release/net10.0/mcp-oauth.dll"
[ -x "$aot" ] || { echo "run tests/aot/publish.sh first ($aot is missing)" >&2; exit 2; }
[ -f "$dll" ] || dotnet build src/McpOAuth.Cli/McpOAuth.Cli.csproj -c Release -nologo -v q

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
write_stored_login "$work/store"
mkdir -m 700 "$work/empty"

# cpu_seconds FILE: the children's user + system seconds in FILE, written by `times` in this shell (never in a subshell,
# whose children's times start at zero).
cpu_seconds() {
    tail -n 1 "$1" | awk '{ n = split($0, a, /[ ms]+/); s = 0; for (i = 1; i + 1 <= n; i += 2) s += a[i] * 60 + a[i + 1]; print s }'
}

# measure LABEL -- COMMAND...: prints one result row.
measure() {
    local label="$1" i start end cpu0 cpu1
    shift 2
    for i in 1 2 3; do "$@" >/dev/null 2>&1 || true; done
    : >"$work/walls"
    times >"$work/times0"
    for ((i = 0; i < runs; i++)); do
        start="$EPOCHREALTIME"
        "$@" >/dev/null 2>&1 || true
        end="$EPOCHREALTIME"
        echo "$start $end" | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }' >>"$work/walls"
    done
    times >"$work/times1"
    cpu0="$(cpu_seconds "$work/times0")"
    cpu1="$(cpu_seconds "$work/times1")"
    sort -n "$work/walls" | awk -v label="$label" -v cpu="$(awk -v a="$cpu0" -v b="$cpu1" -v n="$runs" 'BEGIN { printf "%.1f", (b - a) * 1000 / n }')" '
        { w[NR] = $1 } END { m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2;
        printf "%-34s median %7.1f ms   min %7.1f   max %7.1f   mean cpu %6s ms\n", label, m, w[1], w[NR], cpu }'
}

echo "runs per row: $runs after 3 warm-ups; $(nproc) CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
measure "AOT  token URL (stored login)" -- "$aot" token "$FIXTURE_RESOURCE" --store-dir "$work/store"
measure "JIT  token URL (stored login)" -- dotnet "$dll" token "$FIXTURE_RESOURCE" --store-dir "$work/store"
measure "AOT  status (one login)" -- "$aot" status --store-dir "$work/store"
measure "JIT  status (one login)" -- dotnet "$dll" status --store-dir "$work/store"
measure "AOT  status (empty store)" -- "$aot" status --store-dir "$work/empty"
measure "JIT  status (empty store)" -- dotnet "$dll" status --store-dir "$work/empty"
measure "AOT  --help" -- "$aot" --help
measure "JIT  --help" -- dotnet "$dll" --help
