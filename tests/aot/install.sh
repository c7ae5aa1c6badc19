#!/usr/bin/env bash
# Installs what the Native AOT publish of mcp-oauth needs (tests/aot/publish.sh): Debian's clang (the linker driver the
# .NET ILCompiler calls) and zlib1g-dev (the runtime links libz). The ILCompiler itself is a NuGet package that the SDK
# restores. Idempotent: does nothing but print the versions when both are there. Needs root (or sudo) for apt.
set -euo pipefail

# shellcheck source=../apt-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../apt-packages.sh"
apt_install_missing tests/aot/install.sh clang zlib1g-dev

clang --version | head -n 1
dpkg-query -W -f='zlib1g-dev ${Version}\n' zlib1g-dev
