#!/usr/bin/env bash
# Runs every test of McpOAuth.Client: the build (zero warnings), the unit and integration tests, the package,
# and the official MCP conformance suite's 27 core authorization scenarios against the conformance client.
# Everything it needs (the pinned conformance suite and its Node 22) is installed by the scripts it calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== prerequisites: Chromium for the page tests (Debian package, installed once)"
bash tests/browser/install.sh

echo "== prerequisites: a Secret Service (gnome-keyring, D-Bus, libsecret) for the keyring store tests"
bash tests/keyring/install.sh

echo "== prerequisites: redis-server for the Redis store tests (Debian package, loopback only)"
bash tests/redis/install.sh

echo "== build (Release, warnings are errors)"
dotnet build McpOAuth.Client.sln -c Release -nologo -clp:NoSummary

echo "== unit and integration tests"
dotnet test McpOAuth.Client.sln -c Release --no-build -nologo --logger "console;verbosity=minimal"

echo "== benchmark smoke run (correctness only: one token request per burst, no discovery on warm start, no 401s in churn)"
dotnet run -c Release --no-build --project tests/McpOAuth.Client.Benchmarks -- --smoke

echo "== fuzzing, CI budget (2 s per target; a finding prints its shrunk input and the seed that replays it)"
dotnet run -c Release --no-build --project tests/McpOAuth.Client.Fuzz -- --budget ci

echo "== package"
for project in McpOAuth.Client McpOAuth.Client.Keyring McpOAuth.Client.Redis McpOAuth.Client.AspNetCore; do
    dotnet pack "src/$project/$project.csproj" -c Release --no-build -nologo -o artifacts/packages
done

echo "== Native AOT mcp-oauth: publish with zero trim/AOT warnings, smoke-test the binary"
bash tests/aot/publish.sh

echo "== MCP conformance suite (the 27 core and 6 extension authorization scenarios)"
CONFORMANCE_INCLUDE_EXTENSIONS=1 bash tests/conformance/run.sh dotnet "$PWD/tests/McpOAuth.Client.ConformanceClient/bin/Release/net10.0/McpOAuth.Client.ConformanceClient.dll"
