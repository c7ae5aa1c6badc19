#!/usr/bin/env bash
# Installs Debian's redis-server for the Redis token store tests (tests/McpOAuth.Client.Tests/Redis), which start their own
# redis-server on a free 127.0.0.1 port in a temporary directory (no persistence, nothing in the user's home) and stop it.
# The service Debian's package sets up is not used; the tests never touch the default port 6379.
# Idempotent: does nothing but print the version when redis-server is already there. Needs root (or sudo) for apt.
set -euo pipefail

REDIS_SERVER=/usr/bin/redis-server

if [ ! -x "$REDIS_SERVER" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "tests/redis/install.sh: $REDIS_SERVER is missing and installing it needs root (apt-get); run this script as root." >&2
        exit 1
    fi

    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    # policy-rc.d keeps the package from starting its own service on 6379 where that is possible (containers without
    # systemd never start it anyway); the tests run their own server.
    "${SUDO[@]}" apt-get install -y --no-install-recommends redis-server
fi

"$REDIS_SERVER" --version
