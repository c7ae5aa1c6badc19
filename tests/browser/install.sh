#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/McpOAuth.Client.BrowserTests), which drive it headless with
# Microsoft.Playwright through ExecutablePath=/usr/bin/chromium. Playwright never downloads a browser of its own.
# Idempotent: does nothing but print the version when /usr/bin/chromium is already there. Needs root (or sudo) for apt.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "tests/browser/install.sh: $CHROMIUM is missing and installing it needs root (apt-get); run this script as root." >&2
        exit 1
    fi

    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends chromium
fi

"$CHROMIUM" --version
