#!/usr/bin/env bash
# Installs what the Native AOT publish of mcp-oauth needs (tests/aot/publish.sh): Debian's clang (the linker driver the
# .NET ILCompiler calls) and zlib1g-dev (the runtime links libz). The ILCompiler itself is a NuGet package that the SDK
# restores. Idempotent: does nothing but print the versions when both are there. Needs root (or sudo) for apt.
set -euo pipefail

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "install ok installed" || missing+=(zlib1g-dev)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "tests/aot/install.sh: ${missing[*]} missing and installing needs root (apt-get); run this script as root." >&2
        exit 1
    fi

    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

clang --version | head -n 1
dpkg-query -W -f='zlib1g-dev ${Version}\n' zlib1g-dev
