#!/usr/bin/env bash
# Coverage-guided fuzzing of one target of tests/McpOAuth.Client.Fuzz with libFuzzer (issue 10, docs/security.md "Fuzzing").
#
#   bash tests/McpOAuth.Client.Fuzz/LibFuzzer/run.sh TARGET [SECONDS] [libFuzzer flags...]
#
# Installs what it needs, pinned and only when missing: Debian's clang 14 and its compiler runtime (libFuzzer), and the
# SharpFuzz.CommandLine tool. It builds the fuzz project, copies it to artifacts/fuzz/bin and instruments that copy of
# McpOAuth.Client.dll with SharpFuzz (the normal build output stays uninstrumented), compiles driver.c (libFuzzer in this
# process, the .NET harness in a child), and fuzzes TARGET for SECONDS (default 60) starting from Corpus/TARGET. New
# inputs go to artifacts/fuzz/corpus/TARGET, findings to artifacts/fuzz/findings/. Replay one with
#   dotnet run -c Release --project tests/McpOAuth.Client.Fuzz -- --target TARGET --replay FILE
# Exit code: 0 no finding; libFuzzer's (non-zero) when it saved a crash, a hang (-timeout) or the harness died.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."

TARGET=${1:?usage: run.sh TARGET [SECONDS] [libFuzzer flags...]}
SECONDS_BUDGET=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))

CLANG_VERSION=1:14.0.6-12
SHARPFUZZ_VERSION=2.3.0
OUT=artifacts/fuzz
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v clang-14 >/dev/null 2>&1 || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "clang-14=$CLANG_VERSION" "libclang-rt-14-dev=$CLANG_VERSION"
fi

if [ ! -x "$OUT/tools/sharpfuzz" ]; then
    dotnet tool install SharpFuzz.CommandLine --version "$SHARPFUZZ_VERSION" --tool-path "$OUT/tools"
fi

dotnet build tests/McpOAuth.Client.Fuzz/McpOAuth.Client.Fuzz.csproj -c Release -nologo -clp:NoSummary
rm -rf "$OUT/bin"
mkdir -p "$OUT/bin" "$OUT/corpus/$TARGET" "$OUT/findings"
cp -r tests/McpOAuth.Client.Fuzz/bin/Release/net10.0/. "$OUT/bin/"
"$OUT/tools/sharpfuzz" "$OUT/bin/McpOAuth.Client.dll"

clang-14 -O1 -g -fsanitize=fuzzer -Wall -Wextra tests/McpOAuth.Client.Fuzz/LibFuzzer/driver.c -o "$OUT/driver"

"$OUT/driver" \
    --target_path="$(command -v dotnet)" \
    --target_arg="$OUT/bin/McpOAuth.Client.Fuzz.dll" --target_arg=--libfuzzer --target_arg="$TARGET" \
    -max_total_time="$SECONDS_BUDGET" -timeout=10 -max_len=65536 -artifact_prefix="$OUT/findings/$TARGET-" "$@" \
    "$OUT/corpus/$TARGET" "tests/McpOAuth.Client.Fuzz/Corpus/$TARGET"
