#!/usr/bin/env bash
# Runs the official MCP conformance suite's auth client scenarios against a
# client command, one scenario at a time.
#
# Usage: run.sh <client command...>
#   e.g. run.sh dotnet /path/to/Client.dll
#        run.sh "dotnet /path/to/Client.dll --some-flag"
# The harness appends the MCP server URL as the last argument and runs the
# command with /bin/sh -c in the current working directory. With several
# arguments, each one is shell-quoted; a single argument is used verbatim as a
# shell command line.
#
# Environment:
#   CONFORMANCE_SCENARIOS             space-separated scenario names to run instead of
#                                     the default set ("auth/" may be omitted)
#   CONFORMANCE_INCLUDE_EXTENSIONS=1  also run the auth scenarios tagged [extension]
#   CONFORMANCE_EXPECTED_COUNT        number of scenarios the default selection must
#                                     have (default 27, or 33 with extensions)
#   CONFORMANCE_TIMEOUT_MS            the harness's per-scenario --timeout (default 30000)
#   CONFORMANCE_DEADLINE_WRAP=0       do not wrap the client in coreutils timeout (by default a
#                                     hung client is killed 2 s after the harness deadline)
#   CONFORMANCE_RESULTS_DIR           where results go (default tests/conformance/results);
#                                     each run gets its own run-* folder, and "latest"
#                                     links to the newest one
#
# Output: one "PASS <scenario>" or "FAIL <scenario> (<reason>)" line per
# scenario (failures add their FAILURE/WARNING checks and the tail of the
# client's stderr), then "conformance: N passed, M failed" as the last line.
# Exit status: 0 if all passed, 1 if any failed, 2 on a setup error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { printf 'conformance: ERROR: %s\n' "$*" >&2; exit 2; }

if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
  exit 2
fi

if [[ $# -eq 1 ]]; then
  client_cmd="$1"
else
  client_cmd="$(printf '%q ' "$@")"
  client_cmd="${client_cmd% }"
fi

timeout_ms="${CONFORMANCE_TIMEOUT_MS:-30000}"
[[ "$timeout_ms" =~ ^[0-9]+$ ]] || die "CONFORMANCE_TIMEOUT_MS must be a number of milliseconds"
# On --timeout the harness only kills its /bin/sh wrapper and then waits until
# the client's stdout/stderr close, so a hung client (or a child of it) can hold
# the harness forever. Unless CONFORMANCE_DEADLINE_WRAP=0, the client command
# is therefore run under coreutils timeout, which kills the client's whole
# process group 2 s after the harness's own deadline: the harness then records
# "CLIENT TIMED OUT" and still writes checks.json. The client sees the same
# argv, environment and working directory either way.
deadline_s=$(( (timeout_ms + 999) / 1000 + 2 ))
if [[ "${CONFORMANCE_DEADLINE_WRAP:-1}" != "0" ]]; then
  quoted_cmd="${client_cmd//\'/\'\\\'\'}"
  harness_cmd="timeout -k 2 $deadline_s /bin/sh -c '$quoted_cmd \"\$@\"' conformance-client"
else
  harness_cmd="$client_cmd"
fi
# Backstop for the harness itself (kills its process group).
outer_timeout_s=$(( deadline_s + 30 ))

# --- install (pinned) and find Node 22 ------------------------------------
node22="$("$here/install.sh")" || die "install.sh failed"
[[ -x "$node22" ]] || die "install.sh did not print an executable Node 22 path (got '$node22')"
# Node 22 first on PATH, so that anything the harness or the client starts
# through PATH (node, npx) is Node 22 too.
export PATH="$(dirname "$node22"):$PATH"

suite_pkg_json="$here/node_modules/@modelcontextprotocol/conformance/package.json"
harness_js="$("$node22" -e '
  const path = require("path");
  const file = process.argv[1];
  const pkg = require(file);
  const bin = typeof pkg.bin === "string" ? pkg.bin : (pkg.bin.conformance ?? Object.values(pkg.bin)[0]);
  process.stdout.write(path.resolve(path.dirname(file), bin));
' "$suite_pkg_json")" || die "cannot read the bin entry of $suite_pkg_json"
[[ -f "$harness_js" ]] || die "harness entry point $harness_js does not exist"
harness=("$node22" "$harness_js")

# --- list and select scenarios ---------------------------------------------
list_out="$("${harness[@]}" list --client)" || die "'conformance list --client' failed"

core=()
ext=()
all_client=()
while IFS= read -r line; do
  if [[ "$line" =~ ^[[:space:]]*-[[:space:]]+([^[:space:]]+)([[:space:]]+\[([^]]*)\])?[[:space:]]*$ ]]; then
    name="${BASH_REMATCH[1]}"
    tags="${BASH_REMATCH[3]}"
    all_client+=("$name")
    [[ "$name" == auth/* ]] || continue
    if [[ ",$tags," == *",extension,"* ]]; then
      ext+=("$name")
    else
      core+=("$name")
    fi
  fi
done <<<"$list_out"

is_listed() {
  local n
  for n in "${all_client[@]}"; do [[ "$n" == "$1" ]] && return 0; done
  return 1
}

selected=()
if [[ -n "${CONFORMANCE_SCENARIOS:-}" ]]; then
  for want in $CONFORMANCE_SCENARIOS; do
    if is_listed "$want"; then
      selected+=("$want")
    elif is_listed "auth/$want"; then
      selected+=("auth/$want")
    else
      die "unknown client scenario '$want' in CONFORMANCE_SCENARIOS (see 'list --client')"
    fi
  done
else
  selected=("${core[@]}")
  expected=27
  if [[ "${CONFORMANCE_INCLUDE_EXTENSIONS:-0}" == "1" ]]; then
    selected+=("${ext[@]}")
    expected=$(( 27 + 6 ))
  fi
  expected="${CONFORMANCE_EXPECTED_COUNT:-$expected}"
  if [[ "${#selected[@]}" -ne "$expected" ]]; then
    printf 'conformance: selected scenarios:\n' >&2
    printf '  %s\n' "${selected[@]}" >&2
    die "selected ${#selected[@]} auth scenarios, expected $expected (set CONFORMANCE_EXPECTED_COUNT to override)"
  fi
fi
[[ "${#selected[@]}" -gt 0 ]] || die "no scenarios selected"

# --- results folder ----------------------------------------------------------
results_root="${CONFORMANCE_RESULTS_DIR:-$here/results}"
mkdir -p "$results_root"
results_root="$(cd "$results_root" && pwd)"
run_dir="$results_root/run-$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$run_dir"
ln -sfn "$(basename "$run_dir")" "$results_root/latest" 2>/dev/null || true
printf 'name\tresult\tseconds\tharness_exit\n' >"$run_dir/timings.tsv"

now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Reads checks.json; prints "SUCCESS FAILURE WARNING TOTAL" on the first line,
# then one line per FAILURE/WARNING check.
summarize_checks() {
  "$node22" -e '
    const fs = require("fs");
    const checks = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const n = (s) => checks.filter((c) => c.status === s).length;
    console.log([n("SUCCESS"), n("FAILURE"), n("WARNING"), checks.length].join(" "));
    for (const c of checks) {
      if (c.status !== "FAILURE" && c.status !== "WARNING") continue;
      let line = `    ${c.status} ${c.id}: ${c.description ?? c.name ?? ""}`;
      if (c.errorMessage && c.errorMessage !== c.description) line += ` -- ${c.errorMessage}`;
      if (c.details !== undefined) {
        let d = JSON.stringify(c.details);
        if (d.length > 300) d = d.slice(0, 300) + "...";
        line += ` details=${d}`;
      }
      console.log(line.replace(/[\r\n]+/g, " "));
    }
  ' "$1"
}

passed=0
failed=0
run_start="$(now)"

for name in "${selected[@]}"; do
  sdir="$run_dir/${name//\//__}"
  mkdir -p "$sdir"
  t0="$(now)"
  set +e
  timeout -k 10 "$outer_timeout_s" "${harness[@]}" client \
    --command "$harness_cmd" --scenario "$name" --timeout "$timeout_ms" -o "$sdir" \
    >"$sdir/harness.log" 2>&1 </dev/null
  rc=$?
  set -e
  secs="$(elapsed "$t0" "$(now)")"

  checks_file="$(find "$sdir" -name checks.json -type f 2>/dev/null | head -n1)"
  stderr_file="$(find "$sdir" -name stderr.txt -type f 2>/dev/null | head -n1)"
  n_fail="?"; n_warn="?"; check_lines=""
  if [[ -n "$checks_file" ]]; then
    if summary="$(summarize_checks "$checks_file")"; then
      read -r _n_ok n_fail n_warn _n_total <<<"${summary%%$'\n'*}"
      [[ "$summary" == *$'\n'* ]] && check_lines="${summary#*$'\n'}"
    else
      check_lines="    (checks.json could not be parsed: $checks_file)"
    fi
  fi

  if [[ $rc -eq 0 && -n "$checks_file" && "$n_fail" == "0" && "$n_warn" == "0" ]]; then
    passed=$(( passed + 1 ))
    printf 'PASS %s\n' "$name"
    printf '%s\tPASS\t%s\t%s\n' "$name" "$secs" "$rc" >>"$run_dir/timings.tsv"
    continue
  fi

  failed=$(( failed + 1 ))
  reasons=()
  if [[ -n "$checks_file" ]]; then
    reasons+=("$n_fail failed, $n_warn warnings")
  else
    reasons+=("no checks.json")
  fi
  if grep -q 'CLIENT TIMED OUT' "$sdir/harness.log"; then
    reasons+=("client timed out after ${timeout_ms}ms")
  fi
  client_exit="$(sed -n 's/.*CLIENT EXITED WITH ERROR (code \(-\{0,1\}[0-9]*\)).*/\1/p' "$sdir/harness.log" | head -n1)"
  [[ -n "$client_exit" ]] && reasons+=("client exit $client_exit")
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    reasons+=("harness killed after ${outer_timeout_s}s")
  else
    reasons+=("harness exit $rc")
  fi
  reason="$(IFS=';'; printf '%s' "${reasons[*]}")"
  reason="${reason//;/, }"
  printf 'FAIL %s (%s)\n' "$name" "$reason"
  printf '%s\tFAIL\t%s\t%s\n' "$name" "$secs" "$rc" >>"$run_dir/timings.tsv"

  if [[ -n "$check_lines" ]]; then
    n_lines="$(printf '%s\n' "$check_lines" | wc -l)"
    printf '%s\n' "$check_lines" | head -n 40 || true
    (( n_lines > 40 )) && printf '    ... %d more in %s\n' "$(( n_lines - 40 ))" "$checks_file"
  fi
  if [[ -n "$stderr_file" && -s "$stderr_file" ]]; then
    printf '    client stderr (last 25 lines of %s):\n' "$stderr_file"
    tail -n 25 "$stderr_file" | sed 's/^/    | /' || true
  elif [[ -z "$checks_file" ]]; then
    printf '    harness output (last 25 lines of %s):\n' "$sdir/harness.log"
    tail -n 25 "$sdir/harness.log" | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/    | /' || true
  fi
done

printf 'conformance: results in %s (%ss in all; per-scenario times in timings.tsv)\n' \
  "$run_dir" "$(elapsed "$run_start" "$(now)")"
printf 'conformance: %d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
